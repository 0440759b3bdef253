"""Demo traffic: a year (or any number of days) of a realistic shop's visits and orders.

`generate_traffic` makes `days` days ending yesterday (Oslo) of visitors browsing the demo
catalogue, searching, filling carts and buying, through the shop's own code: the clickstream's
row builders and visit rule (traffic_visits.py), its buffer's writer, the consent ledger's
classification and text digest, the checkout's guest customers, `place_order` and
`record_shipment`. Only the moments are the demo's: each is set to when the visit happened.

Stock: a used-furniture dealer sells each item once, so every item a demo visit buys is
bought in first, days to months before (traffic_stock.py); the seed's catalogue stays for sale.

Additive, not idempotent: every run adds its days of traffic, customers, orders and items to
what is there (`make run` calls it on an empty shop only). The same seed on the same database
gives the same rows. The caller commits once; nothing here commits.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import insert

from bkm.clickstream.buffer import write_rows
from bkm.clickstream.withdrawal import forget_visitor
from bkm.clock import OSLO, oslo_today
from bkm.consent.policy import snapshot, text_digest
from bkm.consent.recording import Withdrawal, classify
from bkm.consent.registry import STATISTICS, VISITOR_COOKIE, offered_purposes
from bkm.demo import traffic_shape as shape
from bkm.demo import traffic_stock as stock
from bkm.demo.seeding import seed_categories
from bkm.demo.traffic_buyers import new_buyer, place_demo_order
from bkm.demo.traffic_journeys import (
    ABANDON,
    BROWSE,
    BUY,
    LANDINGS,
    Pages,
    Visit,
    bot_visit,
    plan_steps,
    play,
)
from bkm.demo.traffic_visits import (
    Browser,
    Item,
    Recorder,
    Shelf,
    address_prefixes,
    new_browser,
)
from bkm.extensions import db
from bkm.money import format_kr

DemoTrafficError = stock.DemoTrafficError  # raised without the demo catalogue
SECOND_ITEM = 0.15  # orders with two items
BOTS_PER_VISIT = 0.03  # crawler sessions per human visit


@dataclass
class TrafficSummary:
    first_day: date
    last_day: date
    days: int = 0
    visits: int = 0
    visitors: int = 0  # browsers, new and returning
    page_views: int = 0  # by people, in either table
    events: int = 0  # rows in click_events
    counted_views: int = 0  # page views of people only counted (no statistics consent)
    bot_views: int = 0
    consent_answers: int = 0
    orders: int = 0
    revenue_ore: int = 0
    items_bought_in: int = 0

    def __str__(self) -> str:
        return (
            f"Demotrafikk for {_n(self.days)} dager ({self.first_day:%d.%m.%Y}–"
            f"{self.last_day:%d.%m.%Y}): {_n(self.visits)} besøk fra {_n(self.visitors)} "
            f"nettlesere med {_n(self.page_views)} sidevisninger, {_n(self.events)} hendelser "
            f"i klikkstrømmen og {_n(self.counted_views)} sidevisninger bare talt (uten "
            f"samtykke til statistikk); {_n(self.bot_views)} sidevisninger fra roboter er talt "
            f"for seg. {_n(self.consent_answers)} svar i samtykkeloggen, {_n(self.orders)} "
            f"ordrer for {format_kr(self.revenue_ore)} inkl. mva. og {_n(self.items_bought_in)} "
            "varer tatt inn og solgt i perioden."
        )


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


@dataclass
class PlannedVisit:
    start: datetime
    buys: list[str] = field(default_factory=list)  # SKUs of the items it buys


def has_traffic() -> bool:
    """Whether the shop has recorded any visit yet (demo traffic is added only to a quiet shop
    by `make run`)."""
    for name in ("click_events", "click_page_counts"):
        table = db.metadata.tables[name]
        if db.session.execute(sa.select(table.c.id).limit(1)).first() is not None:
            return True
    return False


def generate_traffic(
    days: int,
    visits_per_day: int,
    *,
    seed: int = 1,
    end: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> TrafficSummary:
    """Add `days` days of demo traffic ending on `end` (default yesterday, Oslo); `progress`
    is called with 1 after each day. Raises DemoTrafficError without the demo catalogue."""
    if days < 1 or visits_per_day < 0:
        raise ValueError("days must be at least 1 and visits_per_day not negative")
    seed = 1 if seed is None else seed  # the CLI passes None when --seed is not given
    end = end or oslo_today() - timedelta(days=1)
    first = end - timedelta(days=days - 1)
    rng = random.Random(seed)
    models = stock.templates()  # first: without the demo catalogue nothing is touched
    ledger = Ledger()  # a new shop publishes its privacy statement here
    categories = seed_categories().by_slug  # the demo's; a seeded shop has them all
    roots = {slug: stock.top(category).slug for slug, category in categories.items()}
    plan = _plan(rng, first, end, visits_per_day, models, roots)
    buyers = [visit for visits in plan.values() for visit in visits if visit.buys]
    sales = [(key, visit.start) for visit in buyers for key in visit.buys]
    skus = stock.buy_in(rng, models, sales, end, categories)
    for visit in buyers:
        visit.buys = [skus[key] for key in visit.buys]
    sold = {sku: visit.start for visit in buyers for sku in visit.buys}
    items = stock.shop_items(random.Random(f"{seed}-popularity"), sold, roots)
    until = datetime.combine(end + timedelta(days=1), time(0), OSLO)
    run = Run(rng, seed, items, ledger, until=until)
    run.summary = TrafficSummary(first, end, items_bought_in=len(sold))
    for day, planned in plan.items():
        run.day(day, planned, bots=_bots(rng, visits_per_day))
        if progress:
            progress(1)
    run.summary.visitors = len(run.used)
    run.summary.consent_answers = ledger.rows_written
    return run.summary


class Run:
    """One generation: the browsers seen so far, and what the days added up to."""

    def __init__(self, rng, seed: int, items: dict[str, Item], ledger, *, until: datetime):
        self.rng, self.items, self.ledger, self.until = rng, items, ledger, until
        self.pages = Pages()
        self.prefixes = address_prefixes(random.Random(f"{seed}-networks"))
        self.orders_rng = random.Random(f"{seed}-orders")
        self.seen: list[Browser] = []
        self.used: set[int] = set()
        self.summary: TrafficSummary
        self.sources: list[float] = []  # the day's cumulative source weights

    def day(self, day: date, planned: list[PlannedVisit], *, bots: int) -> None:
        rng, summary = self.rng, self.summary
        shelf = Shelf(list(self.items.values()), day)
        self.sources = list(accumulate(shape.source_weights(day)))
        recorder = Recorder(rng, self.ledger.add, self.ledger.forget)
        for planned_visit in planned:
            browser = self.browser(planned_visit)
            self.used.add(id(browser))
            self.visit(recorder, shelf, browser, planned_visit, day)
        hours = list(accumulate(shape.hour_weights(day)))
        for _ in range(bots):
            start = _moment(rng, day, hours)
            bot = new_browser(rng, start, self.prefixes, bot=True)
            bot_visit(rng, recorder, shelf, self.pages, bot, start)
        recorder.events.sort(key=_at)
        write_rows(recorder.events, recorder.counts)
        self.ledger.write()
        summary.days += 1
        summary.visits += len(planned)
        summary.page_views += recorder.page_views
        summary.bot_views += recorder.bot_views
        summary.events += len(recorder.events)
        summary.counted_views += sum(recorder.counts.values()) - recorder.bot_views

    def visit(self, recorder, shelf, browser: Browser, planned: PlannedVisit, day: date) -> None:
        rng = self.rng
        returning = browser.last_seen is not None
        source = rng.choices(shape.SOURCES, cum_weights=self.sources)[0]
        if returning and rng.random() < 0.5:
            source = shape.SOURCES[0]  # direct: a bookmark, or the address typed
        length = 1
        if rng.random() >= shape.BOUNCE:
            length += 1
            while length < shape.MAX_PAGES and rng.random() >= shape.LEAVE:
                length += 1
        targets = [self.items[sku] for sku in planned.buys]
        intent = BUY if targets else (ABANDON if rng.random() < shape.ABANDON_SHARE else BROWSE)
        landing = rng.choices(LANDINGS, weights=source.landing)[0]
        steps = plan_steps(rng, shelf, self.pages, landing, length, intent, targets)
        withdraws = returning and bool(browser.visitor_id) and rng.random() < shape.WITHDRAW_SHARE
        visit = Visit(browser, planned.start, source, day, steps, withdraws)
        play(rng, recorder, self.pages, visit, self.buy, self.prefixes)

    def browser(self, visit: PlannedVisit) -> Browser:
        """A browser seen before (recent ones more likely), or a new one."""
        rng, seen = self.rng, self.seen
        if seen and rng.random() < (0.5 if visit.buys else shape.RETURNING_SHARE):
            browser = seen[min(len(seen) - 1, int(len(seen) * rng.random() ** 0.5))]
            if browser.last_seen is not None and browser.last_seen < visit.start:
                return browser
        browser = new_browser(rng, visit.start, self.prefixes)
        seen.append(browser)
        return browser

    def buy(self, browser: Browser, bought: list[Item], at: datetime) -> None:
        if browser.buyer is None:
            browser.buyer = new_buyer(self.orders_rng, self.summary.orders + 1)
        ids = [item.id for item in bought]
        order = place_demo_order(browser.buyer, ids, at, self.until, self.orders_rng)
        self.summary.orders += 1
        self.summary.revenue_ore += order.total_ore


def _at(row: dict) -> datetime:
    return row["at"]


def _bots(rng: random.Random, visits_per_day: int) -> int:
    return max(1, round(visits_per_day * BOTS_PER_VISIT * rng.uniform(0.5, 1.5)))


def _moment(rng: random.Random, day: date, hours: list[float]) -> datetime:
    """A moment of an Oslo day; `hours` are the cumulative weights of its hours."""
    hour = rng.choices(range(24), cum_weights=hours)[0]
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), OSLO)
    return local.astimezone(UTC).replace(microsecond=rng.randrange(1_000_000))


# --- the plan: visits per day, and which of them buy what --------------------------------------


def _plan(rng, first: date, end: date, visits_per_day: int, templates, roots: dict[str, str]):
    norm = shape.mean_day_factor(end)
    weights = [stock.pull(spec.category, roots) for spec in templates]
    plan: dict[date, list[PlannedVisit]] = {}
    number = 0
    for offset in range((end - first).days + 1):
        day = first + timedelta(days=offset)
        expected = visits_per_day * shape.day_factor(day) / norm
        count = max(0, round(rng.gauss(expected, math.sqrt(expected)))) if expected else 0
        hours = list(accumulate(shape.hour_weights(day)))
        visits = sorted((PlannedVisit(_moment(rng, day, hours)) for _ in range(count)), key=_start)
        for visit in visits:
            if rng.random() < shape.CONVERSION:
                for _ in range(2 if rng.random() < SECOND_ITEM else 1):
                    number += 1
                    template = rng.choices(templates, weights=weights)[0]
                    visit.buys.append(f"{template.sku}#{number}")  # its own SKU comes later
        plan[day] = visits
    return plan


def _start(visit: PlannedVisit) -> datetime:
    return visit.start


class Ledger:
    """Banner answers and withdrawals, as consent.recording.record_choice writes them: the same
    action rule, statement version and text digest; written in bulk with the day's events."""

    def __init__(self) -> None:
        policy = snapshot()
        self.version, self.digest = policy.version, text_digest(policy)
        self.offered = frozenset(p.key for p in offered_purposes(current_app.config))
        self.rows: list[dict] = []
        self.rows_written = 0

    def add(self, consent_id, granted, channel, at, before) -> None:
        granted, before = granted & self.offered, before & self.offered
        self.rows.append(
            {
                "consent_id": consent_id,
                "action": classify(granted, self.offered, before),
                "granted": ",".join(sorted(granted)),
                "refused": ",".join(sorted(self.offered - granted)),
                "policy_version": self.version,
                "text_digest": self.digest,
                "channel": channel,
                "at": at,
                "user_id": None,
            }
        )

    def forget(self, consent_id: str, visitor_id: str) -> None:
        """The shop's own handler for a statistics withdrawal, on what is already written."""
        cookies = {VISITOR_COOKIE: visitor_id}
        forget_visitor(Withdrawal(STATISTICS, None, consent_id, cookies))

    def write(self) -> None:
        if self.rows:  # the ledger's table; rows are only ever added to it
            db.session.execute(insert(db.metadata.tables["consent_records"]), self.rows)
            self.rows_written += len(self.rows)
            self.rows = []
