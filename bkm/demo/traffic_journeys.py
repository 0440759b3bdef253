"""One demo visit, page by page: where it lands, where it goes next, what it puts in the cart.

A visit follows the catalogue: a category leads to its products, a product back to its category
or on to a similar one (same category, else same brand), a search to what was searched for.
A visit that buys walks to the products it buys, adds them, opens the cart and /kasse, and
places the order; one that abandons its cart stops somewhere on the way. Each request and
leave beacon is recorded through traffic_visits.Recorder at the moment it happens.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bkm.demo import traffic_shape as shape
from bkm.demo.traffic_visits import (
    BEACON_LEAD,
    CHECKOUT_SECONDS,
    EMPTY,
    LISTINGS,
    NEXT_CHOICES,
    Browser,
    Item,
    Page,
    Recorder,
    Shelf,
    after,
    description,
    dwell,
    search_query,
)

BUY, ABANDON, BROWSE = "buy", "abandon", "browse"
LANDINGS = ("front", "category", "product", "search")
ADD_PAGE = Page("/handlekurv/legg-til", EMPTY)
CHECKOUT_POST = Page("/kasse", EMPTY)
CART_GIVES_UP = 0.35  # of abandoners, those who never open the cart
CHECKOUT_GIVES_UP = 0.55  # of the rest, those who never open /kasse


@dataclass(frozen=True)
class Step:
    kind: str  # front, category, product, search, info, cart, checkout, settings; add, order
    page: Page
    item: Item | None = None
    clicked: bool = False  # reached by a product link on a listing (the script's click event)
    noted: tuple[tuple[str, dict], ...] = ()


class Pages:
    """The shop's fixed pages, described as their views describe them."""

    def __init__(self) -> None:
        self.front = Page("/", description("front"))
        self.info = Page("/kontakt", description("info"))
        self.cart = Page("/handlekurv", description("cart"))
        self.checkout = Page("/kasse", description("checkout"))
        self.settings = Page("/cookie-innstillinger", EMPTY)
        self.search = Page("/sok", {})  # its description is made per query

    def searched(self, query: str) -> Page:
        return Page("/sok", description("search", search_query=query))


def plan_steps(
    rng: random.Random,
    shelf: Shelf,
    pages: Pages,
    landing: str,
    length: int,
    intent: str,
    targets: list[Item],
) -> list[Step]:
    """The requests of one visit, in order."""
    focus = targets[0] if targets and landing == "product" else shelf.pick(rng)
    steps = [_step(rng, pages, landing, focus, clicked=False)]
    browsing = length - 1 if intent == BROWSE else rng.randrange(length)
    for _ in range(browsing):
        kinds, cumulative = NEXT_CHOICES[steps[-1].kind]
        kind = rng.choices(kinds, cum_weights=cumulative)
        previous = steps[-1]
        focus = _next_focus(rng, shelf, kind[0], previous, focus)
        steps.append(_step(rng, pages, kind[0], focus, clicked=previous.kind in LISTINGS))
    if intent == BUY:
        steps.extend(_buying(rng, pages, steps[-1], targets))
    elif intent == ABANDON:
        steps.extend(_abandoning(rng, shelf, pages, steps[-1]))
    return steps


def _next_focus(rng, shelf: Shelf, kind: str, previous: Step, focus: Item) -> Item:
    if kind == "product" and previous.kind in ("category", "search", "product"):
        return shelf.pick(rng, near=focus)
    if kind in ("category", "search") and previous.kind == "product":
        return focus  # back to the listing it came from, or a search for more like it
    return shelf.pick(rng)


def _step(rng, pages: Pages, kind: str, item: Item, *, clicked: bool) -> Step:
    if kind == "product":
        return Step(kind, item.page, item, clicked=clicked)
    if kind == "category":
        return Step(kind, rng.choice(item.category_pages), item)
    if kind == "search":
        return Step(kind, pages.searched(search_query(rng, item)), item)
    return Step(kind, getattr(pages, kind), item)


def _add(item: Item) -> list[Step]:
    added = ("add_to_cart", {"product_id": item.id, "category_id": item.category_id})
    return [Step("add", ADD_PAGE, item, noted=(added,)), Step("product", item.page, item)]


def _buying(rng, pages: Pages, last: Step, targets: list[Item]) -> list[Step]:
    steps: list[Step] = []
    first = targets[0]
    if last.item is not first or last.kind != "product":
        steps.append(Step("category", rng.choice(first.category_pages), first))
        steps.append(Step("product", first.page, first, clicked=True))
    steps.extend(_add(first))
    for item in targets[1:]:  # back to the listing, then the next one
        steps.append(Step("product", item.page, item))
        steps.extend(_add(item))
    bought = tuple(("purchase", {"product_id": item.id}) for item in targets)
    step = ("checkout_step", {"step": "details"})
    return [
        *steps,
        Step("cart", pages.cart),
        Step("checkout", pages.checkout, noted=(step,)),
        Step("order", CHECKOUT_POST, noted=bought),
    ]


def _abandoning(rng, shelf: Shelf, pages: Pages, last: Step) -> list[Step]:
    item = last.item if last.kind == "product" and last.item.in_stock else None
    steps: list[Step] = []
    if item is None:
        item = next((i for i in (shelf.pick(rng) for _ in range(20)) if i.in_stock), None)
        if item is None:
            return []
        steps.append(Step("product", item.page, item))
    steps.extend(_add(item))
    if rng.random() < CART_GIVES_UP:
        return steps
    steps.append(Step("cart", pages.cart))
    if rng.random() < CHECKOUT_GIVES_UP:
        return steps
    step = ("checkout_step", {"step": "details"})
    return [*steps, Step("checkout", pages.checkout, noted=(step,))]


@dataclass
class Visit:
    browser: Browser
    start: datetime
    source: shape.Source
    day: date
    steps: list[Step]
    withdraws: bool = False


def play(
    rng: random.Random,
    recorder: Recorder,
    pages: Pages,
    visit: Visit,
    buy: Callable[[Browser, list[Item], datetime], None],
    prefixes: list[str],
) -> None:
    """Make the visit's requests and beacons at their moments, recording each."""
    browser = visit.browser
    referrer = rng.choice(visit.source.hosts) if visit.source.hosts else ""
    utm = shape.utm_fields(visit.source, visit.day)
    ip = browser.home_ip if rng.random() < 0.85 else rng.choice(prefixes)
    at = visit.start
    watched_from = at  # when the script started timing this page
    for index, step in enumerate(visit.steps):
        landing = index == 0
        if step.kind == "order":
            recorder.request(browser, at, step.page, page_view=False, noted=list(step.noted), ip=ip)
            buy(browser, [s.item for s in visit.steps if s.kind == "add"], at)
            break
        page_view = step.kind != "add"
        recorder.request(
            browser,
            at,
            step.page,
            page_view=page_view,
            noted=list(step.noted),
            referrer=referrer if landing else "",
            utm=utm if landing else EMPTY,
            ip=ip,
        )
        if not page_view:  # the POST's 303 brings the product page straight back
            at = after(at, 0.15)
            continue
        watched_from = at
        if landing and not browser.answered and browser.answer != shape.NO_ANSWER:
            watched_from = after(at, rng.uniform(2, 20))  # the banner is answered first
            recorder.answer_banner(browser, watched_from)
            if not browser.script:  # without JavaScript the form posts and the page reloads
                recorder.request(browser, watched_from, step.page, ip=ip)
        seconds = (
            rng.uniform(*CHECKOUT_SECONDS) if step.kind == "checkout" else dwell(rng, step.kind)
        )
        leave = after(at, seconds)
        following = visit.steps[index + 1] if index + 1 < len(visit.steps) else None
        click = following.item.id if following and following.clicked and following.item else None
        ms = int((leave - watched_from).total_seconds() * 1000)
        recorder.beacon(browser, leave, step.page.path, ms, click)
        at = after(leave, BEACON_LEAD)
        if landing and visit.withdraws and browser.visitor_id:
            at = _withdraw(rng, recorder, pages, browser, at, ip)
    browser.last_seen = at  # the next visit of this browser starts later


def _withdraw(rng, recorder: Recorder, pages: Pages, browser: Browser, at: datetime, ip: str):
    """Cookie-innstillinger, then "Avslå alle": statistics end here for this browser."""
    recorder.request(browser, at, pages.settings, ip=ip)
    leave = after(at, dwell(rng, "info"))
    ms = int((leave - at).total_seconds() * 1000)
    recorder.beacon(browser, leave, pages.settings.path, ms, None)
    recorder.withdraw(browser, after(leave, BEACON_LEAD))
    return after(leave, 1.0)


def bot_visit(rng: random.Random, recorder: Recorder, shelf: Shelf, pages: Pages, bot, at):
    """A crawler: many pages, seconds apart, no cookies; counted as device "bot" only."""
    for _ in range(rng.randint(5, 60)):
        item = shelf.pick(rng)
        roll = rng.random()
        page = item.page if roll < 0.7 else rng.choice(item.category_pages)
        if roll > 0.95:
            page = pages.front
        recorder.request(bot, at, page)
        at = after(at, rng.uniform(1, 10))
