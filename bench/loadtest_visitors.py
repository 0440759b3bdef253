"""The load test's simulated visitors: one thread each, one visit after another, over HTTP.

A visit starts as a new browser (fresh cookie jar, a browser's User-Agent) on the front page,
a category or a product page, answers the cookie banner as real visitors do (all, statistics
only, "Avslå alle", or not at all), then follows the shop's own links: categories, products
from the listings, searches. Visitors with statistics consent send what static/js/clickstream.js
sends on leaving a page — the product clicked on a listing and the time on page — as one
POST /collect per page. Then, by the visit's kind (VISIT_MIX):

- browse: only that (most visitors);
- cart: puts one or two items in the cart, looks at it, sometimes opens /kasse, and leaves;
- buy: the same, then orders as a guest (pickup or delivery, invoice or pay at pickup) and
  reads the receipt;
- race: a bargain shared by link: RACERS_PER_ITEM browsers (this visitor and rivals started
  for the race) open the same single-unit item and press "Legg i handlekurven" in the same
  moment, then each goes either straight to POST /kasse with the form it already had (the
  stock decrement decides) or through GET /kasse (the stock hold decides). One may win.

The buying shares are far above a real shop's (~2 %), so the checkout carries load. There is
no think time: each visitor sends its next request as soon as the last one is answered, so
N visitors are N requests in flight (two more while a race's rivals run). bench/checkout.py's
Shopper supplies the HTTP client (urllib with a cookie jar, redirects not followed: every
status is seen).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import cached_property

from bench.checkout import _CSRF, GUEST, RECEIPT_PATH, REQUEST_TIMEOUT_S, Shopper
from bench.loadtest_tally import NO_RESPONSE, Receipt, Tally

VISIT_MIX = {"browse": 74, "cart": 12, "buy": 10, "race": 4}  # a race brings 2 rivals
CONSENT_MIX = {"accept": 40, "statistics": 10, "refuse": 35, "ignore": 15}
STATISTICS_ANSWERS = ("accept", "statistics")  # the answers that give statistics consent
BROWSE_PAGES = (2, 8)  # pages a browsing visitor sees after landing
SHOPPING_PAGES = (1, 3)  # pages the others see before shopping
RACERS_PER_ITEM = 3
RACE_START_TIMEOUT_S = 30.0  # a racer whose rivals never come to the start goes alone
USER_AGENTS = (  # real browsers': the shop counts anything it takes for a bot apart
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
)
ADDED = "Lagt i handlekurven"  # the flash on the product page after a successful add
CART_PATH = "/handlekurv"
_PRODUCT_LINK = re.compile(r'<a href="/produkt/([^"?#]+)" data-product-id="(\d+)"')
_DELIVERY = (  # (delivery_method, payment_method), weighted by repetition
    ("pickup", "invoice"),
    ("pickup", "invoice"),
    ("pickup", "pickup"),
    ("delivery", "invoice"),
    ("delivery", "invoice"),
)


@dataclass(frozen=True)
class Catalogue:
    """What the visitors need to know beforehand: where to land, what to search, what to buy."""

    categories: tuple[str, ...]  # slugs
    products: dict[int, str]  # active product id -> slug
    stocked: tuple[int, ...]  # ids with plenty of stock: the buyers' items
    single: tuple[int, ...]  # ids with exactly one unit: the racers' items
    search_terms: tuple[str, ...]

    @cached_property
    def stocked_ids(self) -> frozenset[int]:
        return frozenset(self.stocked)


@dataclass
class Crowd:
    """What every visitor thread shares."""

    base: str
    catalogue: Catalogue
    tally: Tally
    deadline: float
    singles: list[int]  # single-unit items not raced for yet, the next at the end
    email_prefix: str
    visit_mix: dict[str, int] = field(default_factory=lambda: dict(VISIT_MIX))
    numbers: itertools.count = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def email(self) -> str:
        return f"{self.email_prefix}-{next(self.numbers)}@example.no"

    def single_item(self) -> int | None:
        """The next single-unit item nobody has raced for yet, if any is left."""
        with self.lock:
            return self.singles.pop() if self.singles else None


class Visitor(Shopper):
    """One browser for one visit: its cookies, its User-Agent, the page it is on."""

    def __init__(self, crowd: Crowd, rng: random.Random) -> None:
        super().__init__(crowd.base)
        self.crowd, self.tally, self.rng = crowd, crowd.tally, rng
        self.opener.addheaders = [
            ("User-Agent", rng.choice(USER_AGENTS)),
            ("Accept-Language", "nb-NO,nb;q=0.9,no;q=0.8,en;q=0.5"),
        ]
        self.statistics = False  # the clickstream script runs on this visitor's pages
        self.token = ""  # the last CSRF token a page carried (the banner's form)
        self.path = ""  # the page the visitor is on
        self.links: list[tuple[str, int]] = []  # (slug, id) of the products listed on it
        self.cart: dict[int, int] = {}  # product id -> quantity the shop said it added

    # --- requests --------------------------------------------------------------------------

    def call(self, kind: str, path: str, form: dict | None = None, expected=(200,)):
        started = time.perf_counter()
        answer = self.request(path, form)
        ms = (time.perf_counter() - started) * 1000
        status = NO_RESPONSE if answer.status is None else answer.status
        self.tally.note(kind, "GET" if form is None else "POST", path, status, ms, expected)
        return answer

    def open_page(self, kind: str, path: str, expected=(200,)):
        """Go to a page: leave the one the visitor is on, load this one, note its links."""
        self.leave(clicked=self._listed_id(path))
        answer = self.call(kind, path, expected=expected)
        self.path = path
        self.links = [(slug, int(n)) for slug, n in _PRODUCT_LINK.findall(answer.body)]
        if token := _CSRF.search(answer.body):
            self.token = token.group(1) or token.group(2)
        return answer

    def submit(self, kind: str, path: str, form: dict):
        """Send a form: the page it is on is left; the 303 that answers leads to the next."""
        self.leave()
        self.path, self.links = "", []
        return self.call(kind, path, form, expected=(303,))

    def leave(self, clicked: int | None = None) -> None:
        """What clickstream.js sends on pagehide: the product clicked here, the time here."""
        if not self.statistics or not self.path:
            return
        path = urllib.parse.urlsplit(self.path).path
        events = []
        if clicked is not None:
            events.append({"type": "product_click", "path": path, "product_id": clicked})
        duration_ms = int(self.rng.lognormvariate(9.5, 1.0))  # median ~13 s, a long tail
        events.append({"type": "time_on_page", "path": path, "duration_ms": duration_ms})
        self.path = ""
        self.beacon(events)

    def beacon(self, events: list[dict]) -> None:
        body = json.dumps({"events": events}, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Origin": self.base}
        request = urllib.request.Request(self.base + "/collect", data=body, headers=headers)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT_S) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            with error:
                error.read()
            status = error.code
        except (urllib.error.URLError, OSError):
            status = NO_RESPONSE
        ms = (time.perf_counter() - started) * 1000
        self.tally.note("beacon", "POST", "/collect", status, ms, (204,))
        if status == 204:
            self.tally.acknowledged(len(events))

    def _listed_id(self, path: str) -> int | None:
        if not path.startswith("/produkt/"):
            return None
        slug = path.removeprefix("/produkt/")
        return next((n for s, n in self.links if s == slug), None)

    def over(self) -> bool:
        return time.monotonic() >= self.crowd.deadline

    # --- a visit ---------------------------------------------------------------------------

    def visit(self) -> None:
        kind = _weighted(self.rng, self.crowd.visit_mix)
        self.tally.count("visits", kind)
        self.land()
        if kind == "race" and self.race():
            return self.leave()
        low, high = BROWSE_PAGES if kind == "browse" else SHOPPING_PAGES
        for _ in range(self.rng.randint(low, high)):
            if self.over():
                return self.leave()
            self.next_page()
        if kind != "browse" and not self.over():
            self.fill_cart()
            if kind != "cart":
                self.check_out()
            elif self.rng.random() < 0.4:  # opens the checkout (a 15-minute hold), walks away
                self.open_page("checkout", "/kasse")
        self.leave()

    def land(self, path: str = "") -> None:
        """The first page of a visit (`path`, or the front, a category or a product), and the
        banner on it."""
        catalogue, roll = self.crowd.catalogue, self.rng.random()
        if not path:
            path = "/" if roll < 0.5 else f"/kategori/{self.rng.choice(catalogue.categories)}"
        if roll >= 0.8 and not path.startswith("/produkt/"):
            path = f"/produkt/{self.rng.choice(list(catalogue.products.values()))}"
        self.open_page("page", path)
        self.answer_banner(path)

    def answer_banner(self, path: str) -> None:
        """The banner's form without JavaScript: POST /samtykke, 303 back, the page again."""
        answer = _weighted(self.rng, CONSENT_MIX)
        self.tally.count("consents", answer)
        if answer == "ignore":
            return
        if not self.token:
            return self.tally.fail(f"GET {path}: no consent banner with a CSRF token")
        form = {"csrf_token": self.token, "kanal": "banner", "neste": path}
        form["handling"] = {"accept": "godta-alle", "refuse": "avsla-alle"}.get(answer, "lagre")
        if answer == "statistics":
            form["formaal"] = "statistics"
        if self.submit("consent", "/samtykke", form).status == 303:
            self.statistics = answer in STATISTICS_ANSWERS
            self.open_page("page", path)

    def next_page(self) -> None:
        catalogue, roll = self.crowd.catalogue, self.rng.random()
        on_listing = not self.path.startswith("/produkt/")
        if self.links and roll < (0.6 if on_listing else 0.25):
            slug, _ = self.rng.choice(self.links)
            self.open_page("page", f"/produkt/{slug}")
        elif roll < 0.8:
            self.open_page("page", f"/kategori/{self.rng.choice(catalogue.categories)}")
        else:
            query = urllib.parse.urlencode({"q": self.rng.choice(catalogue.search_terms)})
            self.open_page("search", f"/sok?{query}")

    # --- the cart and the checkout ---------------------------------------------------------

    def add(self, product_id: int, quantity: int = 1) -> bool:
        """The product page's button: POST, 303 back to the product, its page with the flash."""
        slug = self.crowd.catalogue.products[product_id]
        if self.path != f"/produkt/{slug}":
            self.open_page("page", f"/produkt/{slug}")
        form = {"product_id": str(product_id), "quantity": str(quantity)}
        answer = self.submit("cart", "/handlekurv/legg-til", form)
        if answer.status != 303:
            return False
        back = urllib.parse.urlsplit(answer.location).path
        if back != f"/produkt/{slug}":
            self.tally.fail(f"POST /handlekurv/legg-til: sent to {back or 'nowhere'}")
            return False
        added = ADDED in self.open_page("page", back).body
        if added:
            self.cart[product_id] = self.cart.get(product_id, 0) + quantity
        return added

    def fill_cart(self) -> None:
        catalogue = self.crowd.catalogue
        here = [n for _, n in self.links if n in catalogue.stocked_ids]
        for _ in range(1 if self.rng.random() < 0.8 else 2):
            product_id = self.rng.choice(here or catalogue.stocked)
            quantity = 1 if self.rng.random() < 0.85 else 2
            if not self.add(product_id, quantity):
                self.tally.fail("an item in plenty of stock could not be added to the cart")
        self.open_page("cart", CART_PATH)

    def check_out(self) -> None:
        if not self.cart:
            return
        form = self.open_page("checkout", "/kasse")
        token = _CSRF.search(form.body) if form.status == 200 else None
        if token is None:
            if form.status == 200:
                self.tally.fail("GET /kasse: no CSRF token on the form")
            return
        if self.place_order(token.group(1) or token.group(2)) is False:
            self.tally.fail("POST /kasse: an order of items in plenty of stock was sent back")

    def place_order(self, token: str) -> bool | None:
        """POST /kasse as a new guest: True with a receipt, False when sent back to the cart
        (sold out), None when something unexpected happened (the tally has it)."""
        delivery, payment = self.rng.choice(_DELIVERY)
        email = self.crowd.email()
        form = {**GUEST, "email": email, "csrf_token": token}
        form.update(delivery_method=delivery, payment_method=payment)
        if self.rng.random() < 0.1:
            form["nyhetsbrev"] = "y"
        started = time.perf_counter()
        answer = self.submit("checkout", "/kasse", form)
        order_ms = (time.perf_counter() - started) * 1000
        if answer.status != 303:
            return None
        where = urllib.parse.urlsplit(answer.location).path
        if where == CART_PATH:
            self.open_page("cart", CART_PATH)  # the browser follows: the cart says why
            return False
        if not where.startswith(RECEIPT_PATH):
            self.tally.fail(f"POST /kasse: sent to {where or 'nowhere'}")
            return None
        number = where.removeprefix(RECEIPT_PATH)
        self.tally.placed(Receipt(number, email, tuple(sorted(self.cart.items()))), order_ms)
        self.cart.clear()
        receipt = self.open_page("checkout", where)
        if receipt.status == 200 and number not in receipt.body:
            self.tally.fail("GET /kasse/bekreftelse/<nr>: the receipt lacks its order number")
        return True

    def race(self) -> bool:
        """Race rivals for a single-unit item; False when none is left (then it buys)."""
        item = self.crowd.single_item()
        if item is None:
            self.tally.count("races", "no single-unit item left: bought another instead")
            return False
        self.tally.raced()
        start = threading.Barrier(RACERS_PER_ITEM, timeout=RACE_START_TIMEOUT_S)
        seed = self.rng.getrandbits(32)
        rivals = [
            threading.Thread(target=_rival, args=(self.crowd, seed + n, item, start), daemon=True)
            for n in range(RACERS_PER_ITEM - 1)
        ]
        for rival in rivals:
            rival.start()
        self.tally.count("races", self.race_for(item, start))
        for rival in rivals:
            rival.join()
        return True

    def race_for(self, item: int, start: threading.Barrier) -> str:
        slug = self.crowd.catalogue.products[item]
        if self.path != f"/produkt/{slug}":
            self.open_page("page", f"/produkt/{slug}")
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait()  # every rival has the page open: all press the button now
        if not self.add(item):
            return "lost: the shop would not put it in the cart"
        token = self.token
        if not token or self.rng.random() < 0.5:  # the usual way: the form, and its hold
            form = self.open_page("checkout", "/kasse", expected=(200, 303))
            if form.status == 303:
                self.open_page("cart", CART_PATH)
                return "lost: GET /kasse sent back to the cart"
            found = _CSRF.search(form.body) if form.status == 200 else None
            if found is None:
                return "failed: no checkout form"
            token = found.group(1) or found.group(2)
        placed = self.place_order(token)
        if placed is None:
            return "failed: see the unexpected answers"
        return "won" if placed else "lost: POST /kasse sent back to the cart"


def _rival(crowd: Crowd, seed: int, item: int, start: threading.Barrier) -> None:
    """Another browser the bargain's link reached: lands on the item, answers the banner, races."""
    rival = Visitor(crowd, random.Random(seed))
    rival.tally.count("visits", "race")
    rival.land(f"/produkt/{crowd.catalogue.products[item]}")
    rival.tally.count("races", rival.race_for(item, start))
    rival.leave()


def _weighted(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def parse_mix(text: str) -> dict[str, int]:
    """`--mix browse=40,buy=30,…`: the visit kinds' weights; kinds left out keep theirs."""
    mix = dict(VISIT_MIX)
    for part in filter(None, text.split(",")):
        kind, _, weight = part.partition("=")
        if kind.strip() not in VISIT_MIX or not weight.strip().isdigit():
            raise ValueError(f"{part!r} is not KIND=WEIGHT with a kind of {', '.join(VISIT_MIX)}")
        mix[kind.strip()] = int(weight)
    if not sum(mix.values()):
        raise ValueError("every weight is 0")
    return mix


def run(crowd: Crowd, visitors: int, seed: int) -> None:
    """Visitor threads until the deadline; a visitor finishes the order it is placing."""
    stop = threading.Event()

    def visiting(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        while not stop.is_set() and time.monotonic() < crowd.deadline:
            Visitor(crowd, rng).visit()

    threads = [threading.Thread(target=visiting, args=(n,), daemon=True) for n in range(visitors)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop.set()  # Ctrl-C: the others end after their current visit
        crowd.tally.elapsed_s = time.monotonic() - crowd.tally.started
