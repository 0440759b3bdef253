"""Demo browsers and their visits, recorded with the shop's own clickstream code.

Each request a demo visitor makes becomes what the live shop would store for it: the row
builders of bkm.clickstream.recording (common_fields, event_rows, count_key), the visit rule
of bkm.clickstream.visits (continue_visit, needs_cookie, the cookie's whole-second stamp), the
device classes of bkm.clickstream.devices and the IP truncation of bkm.ip, at the moment the
demo chooses. What the shop decides by consent is decided here the same way:

- a new browser's first page is shown with the banner, so it is only counted (no choice yet);
  then most answer it (a ledger row, as bkm.consent.recording.record_choice writes it), and a
  browser whose answer allows statistics gets its visitor id and, with JavaScript, the
  clickstream script at once (consent.js), whose leave beacon opens the visit;
- refusers, browsers that never answer, Global Privacy Control and bots are only counted;
- a returning browser keeps its visitor id, its consent and its visit cookie;
- a withdrawal at /cookie-innstillinger runs the shop's withdrawal handler, which blanks the
  visitor id on everything stored for that browser.

Paths that would carry an order number (the receipt, and the receipt's leave beacon) are not
made: see the README's analytics section.
"""

from __future__ import annotations

import ipaddress
import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

from flask import g

from bkm.clickstream.devices import BOT, Device, classify
from bkm.clickstream.recording import common_fields, count_key, event_rows
from bkm.clickstream.visits import Visit, continue_visit, needs_cookie, parse_visit
from bkm.clock import to_oslo
from bkm.demo import traffic_shape as shape
from bkm.ip import truncate_ip
from bkm.page_context import PAGE_KEY, describe_page

EMPTY: dict = {}  # a request the view described as nothing (a POST, the settings page)
# Median seconds on a page of each kind (lognormal, sigma DWELL_SIGMA).
DWELL = {"front": 12, "category": 20, "product": 45, "search": 15, "info": 30, "cart": 25}
DWELL_SIGMA = 0.9
MAX_DWELL = 25 * 60
CHECKOUT_SECONDS = (60, 300)  # filling in /kasse
BEACON_LEAD = 0.2  # the leave beacon arrives this long before the next page's request
NO_SCRIPT_SHARE = 0.02  # browsers without JavaScript: no beacons, the banner reloads the page
NEXT = {  # where a visitor goes from a kind of page
    "front": {"category": 0.45, "product": 0.30, "search": 0.17, "info": 0.05, "front": 0.03},
    "category": {"product": 0.70, "category": 0.12, "search": 0.10, "front": 0.08},
    "product": {"category": 0.35, "product": 0.38, "search": 0.15, "front": 0.10, "info": 0.02},
    "search": {"product": 0.72, "search": 0.18, "category": 0.10},
    "info": {"front": 0.5, "category": 0.5},
    "cart": {"product": 0.5, "front": 0.5},
}
LISTINGS = {"front", "category", "search"}  # their product links carry data-product-id
NEXT_CHOICES = {  # for random.choices: the kinds and their cumulative weights
    kind: (list(nexts), list(accumulate(nexts.values()))) for kind, nexts in NEXT.items()
}


def description(page_type: str, **fields) -> dict:
    """A page's description in exactly the shape the shop's views give it."""
    describe_page(page_type, **fields)
    return g.pop(PAGE_KEY)


@dataclass(frozen=True)
class Page:
    path: str
    description: dict


@dataclass
class Item:
    """A product as the demo's visitors see it."""

    id: int
    category_id: int
    brand: str
    page: Page
    category_pages: tuple[Page, ...]  # its own category, then the one above it
    words: tuple[str, ...]  # what people type to find it
    weight: float
    in_stock: bool
    live_from: date
    live_until: date | None = None  # the day it sells (items the demo buys in)


class Shelf:
    """The products in the shop on one day, and how to pick among them."""

    def __init__(self, items: list[Item], day: date) -> None:
        self.items = [i for i in items if i.live_from <= day and (i.live_until or day) >= day]
        self.weights = list(_cumulative(self.items))
        self.by_category: dict[int, tuple[list[Item], list[float]]] = {}
        self.by_brand: dict[str, tuple[list[Item], list[float]]] = {}
        for key, groups in ((lambda i: i.category_id, self.by_category), (_brand, self.by_brand)):
            for item in self.items:
                groups.setdefault(key(item), ([], []))[0].append(item)
            for members, cumulative in groups.values():
                cumulative.extend(_cumulative(members))

    def pick(self, rng: random.Random, near: Item | None = None) -> Item:
        """Any product, or one like `near` (its category mostly, else its brand)."""
        if near is not None:
            groups = self.by_category if rng.random() < 0.75 else self.by_brand
            key = near.category_id if groups is self.by_category else near.brand
            members, cumulative = groups[key]
            return rng.choices(members, cum_weights=cumulative)[0]
        return rng.choices(self.items, cum_weights=self.weights)[0]


def _brand(item: Item) -> str:
    return item.brand


def _cumulative(items: list[Item]):
    total = 0.0
    for item in items:
        total += item.weight
        yield total


@dataclass
class Browser:
    device: Device
    home_ip: str
    answer: str  # traffic_shape.ANSWERS
    gpc: bool
    script: bool
    consent_id: str = ""
    visitor_id: str = ""  # only while statistics are allowed
    answered: bool = False
    visit_cookie: Visit | None = None
    last_seen: datetime | None = None
    buyer: object | None = None  # traffic_buyers.Buyer, once it has bought

    @property
    def grants(self) -> frozenset[str]:
        return GRANTS[self.answer] if self.answered else frozenset()

    @property
    def counted_only(self) -> bool:
        return self.device.device_class == BOT or not self.visitor_id


GRANTS = {
    shape.ACCEPT_ALL: frozenset({"statistics", "personalisation", "marketing"}),
    shape.STATISTICS_ONLY: frozenset({"statistics"}),
    shape.PERSONAL_ONLY: frozenset({"personalisation"}),
    shape.REJECT_ALL: frozenset(),
    shape.NO_ANSWER: frozenset(),
}


@dataclass
class Recorder:
    """What one day of visits left in the shop's tables, before it is written."""

    rng: random.Random
    # consent id, purposes granted, channel, when, purposes granted before
    ledger: Callable[[str, frozenset[str], str, datetime, frozenset[str]], None]
    forget: Callable[[str, str], None]  # consent id, visitor id
    events: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    page_views: int = 0
    bot_views: int = 0

    def new_id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def request(
        self,
        browser: Browser,
        at: datetime,
        page: Page,
        *,
        page_view: bool = True,
        noted: list[tuple[str, dict]] | None = None,
        referrer: str = "",
        utm: dict[str, str] = EMPTY,
        ip: str = "",
    ) -> None:
        """One request, recorded as recording.record does after the response."""
        if page_view:
            is_bot = browser.device.device_class == BOT
            self.bot_views += is_bot
            self.page_views += not is_bot
        if browser.counted_only:
            if page_view:
                day = to_oslo(at).date()
                cls = browser.device.device_class
                self.counts[count_key(day, page.path, page.description, cls, referrer)] += 1
            return
        common = common_fields(
            at,
            page.path,
            page.description,
            browser.device,
            visitor_id=browser.visitor_id,
            visit_id=self._visit(browser, at),
            referrer=referrer,
            utm=utm,
            ip_prefix=ip or browser.home_ip,
        )
        self.events.extend(event_rows(common, page_view, noted or []))

    def beacon(self, browser: Browser, at: datetime, path: str, ms: int, click: int | None):
        """The script's batch on leaving a page (POST /collect): a listing's product click,
        then the time on page; only from browsers with the script and statistics consent."""
        if browser.counted_only or not browser.script or ms <= 0:
            return
        common = common_fields(
            at,
            path,
            EMPTY,
            browser.device,
            visitor_id=browser.visitor_id,
            visit_id=self._visit(browser, at),
            referrer="",  # the beacon's Referer is the page itself
            utm=EMPTY,
            ip_prefix=browser.home_ip,
        )
        if click is not None:
            self.events.append({**common, "type": "product_click", "product_id": click})
        self.events.append({**common, "type": "time_on_page", "duration_ms": ms})

    def _visit(self, browser: Browser, at: datetime) -> str:
        previous = browser.visit_cookie
        visit = continue_visit(previous, at, self.new_id)
        if needs_cookie(previous, visit):  # the cookie keeps whole seconds
            browser.visit_cookie = parse_visit(visit.cookie_value())
        return visit.visit_id

    def answer_banner(self, browser: Browser, at: datetime) -> None:
        browser.answered = True
        browser.consent_id = self.new_id()
        self.ledger(browser.consent_id, browser.grants, "banner", at, frozenset())
        if "statistics" in browser.grants and not browser.gpc:
            browser.visitor_id = self.new_id()  # consent.recording.sync_cookies gives it now

    def withdraw(self, browser: Browser, at: datetime) -> None:
        self.ledger(browser.consent_id, frozenset(), "settings", at, browser.grants)
        self.forget(browser.consent_id, browser.visitor_id)
        for row in self.events:  # what is not written yet loses it too, like the buffer's rows
            if row["visitor_id"] == browser.visitor_id:
                row["visitor_id"] = ""
        browser.answer, browser.visitor_id, browser.visit_cookie = shape.REJECT_ALL, "", None


def dwell(rng: random.Random, kind: str) -> float:
    seconds = rng.lognormvariate(math.log(DWELL.get(kind, 20)), DWELL_SIGMA)
    return min(max(seconds, 2.0), MAX_DWELL)


def address_prefixes(rng: random.Random, count: int = 2000) -> list[str]:
    """Addresses in Norwegian access networks, truncated as the shop truncates them; the
    demo's visitors come from these (parsing an address per visit would cost seconds)."""
    prefixes = []
    for _ in range(count):
        network = ipaddress.ip_network(rng.choice(shape.NETWORKS))
        address = network[rng.randrange(min(network.num_addresses, 2**64))]
        prefixes.append(truncate_ip(str(address)))
    return prefixes


def new_browser(rng: random.Random, at: datetime, prefixes: list[str], bot=False) -> Browser:
    local = to_oslo(at)
    if bot:
        agents = shape.BOT_AGENTS
    else:
        shares = shape.device_shares(local.date(), local.hour)
        group = rng.choices(list(shares), weights=list(shares.values()))[0]
        agents = shape.USER_AGENTS[group]
    agent = rng.choices([a for a, _ in agents], weights=[w for _, w in agents])[0]
    answer = rng.choices(list(shape.ANSWERS), weights=list(shape.ANSWERS.values()))[0]
    return Browser(
        device=classify(agent),
        home_ip=rng.choice(prefixes),
        answer=answer,
        gpc=rng.random() < shape.GPC_SHARE,
        script=rng.random() >= NO_SCRIPT_SHARE,
    )


def search_query(rng: random.Random, item: Item) -> str:
    word = rng.choice(item.words)
    roll = rng.random()
    query = item.brand.casefold() if roll < 0.35 else word
    if roll > 0.85:
        query = f"{item.brand.casefold()} {word}"
    if rng.random() < shape.TYPO_SHARE and len(query) > 4:
        cut = rng.randrange(1, len(query) - 1)
        query = query[:cut] + query[cut + 1 :]
    return query


def after(at: datetime, seconds: float) -> datetime:
    return at + timedelta(seconds=seconds)
