"""Orders per second through the checkout: shoppers buying over HTTP, checked in the database.

Each simulated shopper is a thread that places one order after another for --duration
seconds, each as a new guest (fresh cookie jar, unique e-mail): add one product to the cart
(POST /handlekurv/legg-til with the shop's Origin), GET /kasse for the form and its CSRF
token, POST /kasse as a private guest (pickup, invoice, terms accepted), then GET the
receipt. Only the standard library: urllib.request with http.cookiejar, no redirects
followed, so every status is seen. checkout_pass.py sets up the run and then checks that the
database holds exactly the orders the shoppers got receipts for, and stock fell by as much.
"""

from __future__ import annotations

import html
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field

SHOPPERS = 8
WARMUP_ORDERS = 4  # one after another before the timed run: templates loaded, a failure early
REQUEST_TIMEOUT_S = 10.0
GUEST = {  # tests/cart/checkout_helpers.py's PRIVATE_GUEST, a valid form
    "customer_type": "private",
    "name": "Kari Nordmann",
    "phone": "412 34 567",
    "street": "Storgata 12",
    "postcode": "2408",
    "city": "Elverum",
    "delivery_method": "pickup",
    "payment_method": "invoice",
    "accept_terms": "y",
}
RECEIPT_PATH = "/kasse/bekreftelse/"
_CSRF = re.compile(
    r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|'
    r'<input[^>]*value="([^"]+)"[^>]*name="csrf_token"'
)
_FORM_ERROR = re.compile(r'<ul class="field__errors"[^>]*>\s*<li>([^<]+)</li>')


@dataclass
class CheckoutResult:
    """The checkout row: what the shoppers saw, and what the database says afterwards."""

    shoppers: int
    duration_s: int  # the bound: no order is started after it
    products: int = 0  # distinct products bought, each with plenty of stock
    elapsed_s: float | None = None  # start of the run until the last shopper finished
    orders: int = 0  # in the timed run: POST /kasse answered 303 to a receipt
    receipts: int = 0  # the same, warm-up orders included: what the database must hold
    failures: Counter = field(default_factory=Counter)  # "step: what happened" -> count
    latencies_ms: list[float] = field(default_factory=list, repr=False)  # every POST /kasse
    p50_ms: float | None = None
    p99_ms: float | None = None
    database_orders: int | None = None  # new orders in the database, all kinds of e-mail
    stock_taken: int | None = None  # units the bought products lost
    mismatch: str = ""  # the database disagrees with what the shoppers saw
    problem: str = ""  # set when the checkout could not be measured
    others_cpu: float | None = None

    @property
    def orders_per_sec(self) -> float | None:
        return self.orders / self.elapsed_s if self.elapsed_s else None

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    @property
    def failed(self) -> bool:
        return bool(self.problem or self.mismatch or self.failures)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 comes back as an HTTPError: status and Location stay visible


@dataclass
class _Answer:
    status: int | None  # None: no HTTP response (refused, reset, timed out)
    location: str = ""
    body: str = ""

    def describe(self) -> str:
        if self.status is None:
            return f"no response ({self.body})"
        where = f" → {urllib.parse.urlsplit(self.location).path}" if self.location else ""
        error = _FORM_ERROR.search(self.body)
        message = f": {html.unescape(error.group(1)).strip()}" if error else ""
        return f"HTTP {self.status}{where}{message}"


class Shopper:
    """One visitor at a time: its own cookies, the shop's origin on the add-to-cart POST."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects()
        )

    def request(self, path: str, form: dict[str, str] | None = None) -> _Answer:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        headers = {} if form is None else {"Origin": self.base}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT_S) as response:
                return _Answer(response.status, body=response.read().decode(errors="replace"))
        except urllib.error.HTTPError as error:
            with error:
                body = error.read().decode(errors="replace")
            return _Answer(error.code, error.headers.get("Location", ""), body)
        except (urllib.error.URLError, OSError) as error:
            return _Answer(None, body=str(getattr(error, "reason", error)))

    def buy(self, product_id: int, email: str) -> tuple[str, float | None, str]:
        """One order as a new guest: ("" or the failed step's description, POST ms, number)."""
        added = self.request(
            "/handlekurv/legg-til", {"product_id": str(product_id), "quantity": "1"}
        )
        if added.status != 303:
            return f"POST /handlekurv/legg-til: {added.describe()}", None, ""
        form = self.request("/kasse")
        token = _CSRF.search(form.body) if form.status == 200 else None
        if token is None:
            return (
                f"GET /kasse: {form.describe() if form.status != 200 else 'no CSRF token'}",
                None,
                "",
            )
        started = time.perf_counter()
        placed = self.request(
            "/kasse", {**GUEST, "email": email, "csrf_token": token.group(1) or token.group(2)}
        )
        post_ms = (time.perf_counter() - started) * 1000
        path = urllib.parse.urlsplit(placed.location).path
        if placed.status != 303 or not path.startswith(RECEIPT_PATH):
            return f"POST /kasse: {placed.describe()}", post_ms, ""
        number = path.removeprefix(RECEIPT_PATH)
        receipt = self.request(path)
        if receipt.status != 200 or number not in receipt.body:
            return f"GET {RECEIPT_PATH}<nr>: {receipt.describe()}", post_ms, number
        return "", post_ms, number


@dataclass
class Run:
    """Everything the shoppers did, collected under a lock."""

    base: str
    product_ids: list[int]
    prefix: str = field(default_factory=lambda: f"bench-{uuid.uuid4().hex[:8]}")
    placed: set[str] = field(default_factory=set)  # e-mails that got a receipt redirect
    failures: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    def order(self) -> None:
        with self.lock:
            n = self.count
            self.count += 1
        email = f"{self.prefix}-{n}@example.no"
        failure, post_ms, number = Shopper(self.base).buy(
            self.product_ids[n % len(self.product_ids)], email
        )
        with self.lock:
            if post_ms is not None:
                self.latencies_ms.append(post_ms)
            if number:
                self.placed.add(email)
            if failure:
                self.failures[failure] += 1

    def warm_up(self, orders: int = WARMUP_ORDERS) -> str:
        """A few orders one after another; the first failure, if any."""
        for _ in range(orders):
            self.order()
            if self.failures:
                return next(iter(self.failures))
        return ""

    def timed(self, shoppers: int, duration: float) -> tuple[float, int, list[float]]:
        """Shoppers buy until duration is over; (elapsed s, receipts, POST /kasse ms)."""
        before, latencies_before = len(self.placed), len(self.latencies_ms)
        deadline = time.monotonic() + duration
        stop = threading.Event()

        def shop() -> None:
            while time.monotonic() < deadline and not stop.is_set():
                self.order()

        threads = [threading.Thread(target=shop, daemon=True) for _ in range(shoppers)]
        started = time.monotonic()
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            stop.set()  # Ctrl-C: let the others end after their current order
        elapsed = time.monotonic() - started
        return elapsed, len(self.placed) - before, self.latencies_ms[latencies_before:]


def percentile(values: list[float], percent: float) -> float | None:
    """Nearest-rank percentile, as wrk reports them."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))  # ceil
    return ordered[int(rank) - 1]
