"""One day of the analytics benchmark's rows, shaped with numpy, and writing them in bulk.

The shape follows bkm/demo/traffic_shape.py (the demo traffic generator's figures); see
bench/analytics_data.py. A day's visits are drawn as arrays (start, visitor, source, pages),
expanded to pages (kind, product, dwell time), and turned into the rows the shop would have
stored: page views and the script's beacons (time on page, product clicks on listings) of
visitors with statistics consent in `click_events`; the pages of everyone else, a new
visitor's first page (the banner is still up) and bots in `click_page_counts`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np

from bench.analytics_catalogue import (
    ADD,
    ANSWER_CODES,
    CART,
    CHECKOUT,
    EVENT_COLUMNS,
    FRONT,
    INFO,
    KINDS,
    LATER_KINDS,
    NEIGHBOURS,
    ORDER,
    SAME_CATEGORY,
    SEARCH,
    Catalogue,
)
from bkm.clock import OSLO
from bkm.demo import traffic_shape as shape
from bkm.demo.traffic_visits import DWELL, DWELL_SIGMA, MAX_DWELL


class VisitorPool:
    """Every browser seen so far: statistics consent, User-Agent and address, by index."""

    def __init__(self) -> None:
        self.count = 0
        self.stats = np.zeros(1 << 16, dtype=bool)
        self.agent = np.zeros(1 << 16, dtype=np.int64)
        self.prefix = np.zeros(1 << 16, dtype=np.int64)

    def add(self, stats: np.ndarray, agent: np.ndarray, prefix: np.ndarray) -> np.ndarray:
        new = np.arange(self.count, self.count + len(stats))
        while self.count + len(stats) > len(self.stats):
            for name in ("stats", "agent", "prefix"):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.zeros_like(old)]))
        self.stats[new], self.agent[new], self.prefix[new] = stats, agent, prefix
        self.count += len(stats)
        return new


def _column(value, n: int) -> np.ndarray:
    """A column of n rows: the array itself, or one value repeated."""
    return value if isinstance(value, np.ndarray) else np.full(n, value, dtype=object)


def _md5(text_: str) -> str:
    return hashlib.md5(text_.encode()).hexdigest()


@dataclass
class DayRows:
    day: date
    events: dict[str, np.ndarray]  # EVENT_COLUMNS; `at` in epoch seconds, in time order
    counts: list[tuple]  # COUNT_COLUMNS
    ledger: list[tuple[str, int, float]]  # consent id, answer code, epoch seconds
    purchases: list[tuple[float, list[int], int]]  # epoch seconds, item indices, visitor
    counted_views: int = 0

    @property
    def event_count(self) -> int:
        return len(self.events["at"])

    def trim_events(self, keep: int) -> None:
        self.events = {name: column[: max(0, keep)] for name, column in self.events.items()}


@dataclass
class Day:
    """What a day's visits are, as arrays indexed by visit."""

    day: date
    start: np.ndarray
    returning: np.ndarray
    visitor: np.ndarray
    referrer: np.ndarray
    utm: list[np.ndarray]
    landing: np.ndarray
    ledger: list[tuple[str, int, float]] = field(default_factory=list)


def _visits(rng, cat: Catalogue, pool: VisitorPool, day: date, visits: int) -> Day:
    midnight = datetime.combine(day, time(0), OSLO).timestamp()
    hours = np.array(shape.hour_weights(day))
    hour = rng.choice(24, visits, p=hours / hours.sum())
    start = np.sort(midnight + (hour + rng.random(visits)) * 3600)
    returning = rng.random(visits) < shape.RETURNING_SHARE if pool.count else np.zeros(visits, bool)
    visitor = np.floor(pool.count * rng.random(visits) ** 0.5).astype(np.int64)
    fresh = int((~returning).sum())
    answers = rng.choice(len(ANSWER_CODES), fresh, p=list(shape.ANSWERS.values()))
    stats = (answers <= 1) & (rng.random(fresh) >= shape.GPC_SHARE)
    agents = rng.choice(len(cat.agents), fresh, p=cat.agent_p)
    visitor[~returning] = pool.add(stats, agents, rng.integers(len(cat.prefixes), size=fresh))
    answered = answers != ANSWER_CODES.index(shape.NO_ANSWER)
    when = start[~returning][answered] + rng.uniform(2, 20, int(answered.sum()))
    who = visitor[~returning][answered]
    ledger = [
        (_md5(f"consent{v}"), a, t)
        for v, a, t in zip(who.tolist(), answers[answered].tolist(), when.tolist(), strict=True)
    ]
    weights = np.array(shape.source_weights(day))
    source = rng.choice(len(shape.SOURCES), visits, p=weights / weights.sum())
    source[returning & (rng.random(visits) < 0.5)] = 0  # a bookmark, or the address typed
    referrer = np.full(visits, "", dtype=object)
    utm = [np.full(visits, "", dtype=object) for _ in range(3)]
    landing = np.zeros(visits, dtype=np.int64)
    for index, src in enumerate(shape.SOURCES):
        chosen = np.flatnonzero(source == index)
        if not len(chosen):
            continue
        if src.hosts:
            hosts = np.array(src.hosts, dtype=object)
            referrer[chosen] = hosts[rng.integers(len(hosts), size=len(chosen))]
        for column, value in zip(utm, shape.utm_fields(src, day).values(), strict=False):
            column[chosen] = value
        landing[chosen] = rng.choice(4, len(chosen), p=np.array(src.landing) / sum(src.landing))
    return Day(day, start, returning, visitor, referrer, utm, landing, ledger)


def day_rows(rng, cat: Catalogue, pool: VisitorPool, day: date, visits: int) -> DayRows:
    """A day's rows: `visits` visits by new and returning browsers, and a few crawlers."""
    v = _visits(rng, cat, pool, day, visits)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), OSLO).timestamp()
    pages = np.where(rng.random(visits) < shape.BOUNCE, 1, 1 + rng.geometric(shape.LEAVE, visits))
    pages = np.minimum(pages, shape.MAX_PAGES)
    of = np.repeat(np.arange(visits), pages)
    first = np.cumsum(pages) - pages
    position = np.arange(len(of)) - first[of]
    kind = rng.choice(len(KINDS), len(of), p=LATER_KINDS)
    kind[first] = v.landing
    anchor = cat.pick(rng, visits)  # what the visit is about: journeys stay near it
    near = cat.neighbours[anchor[of], rng.integers(NEIGHBOURS, size=len(of))]
    item = np.where(rng.random(len(of)) < SAME_CATEGORY, near, cat.pick(rng, len(of)))
    item = np.where(kind == 2, item, anchor[of])
    category = np.where(rng.random(len(of)) < 1 / 3, cat.upper_page[item], cat.category_page[item])
    path = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3],
        [FRONT, category, cat.product_page[item], SEARCH],
        INFO,
    )
    query = np.where(kind == 3, cat.item_queries[item, rng.integers(3, size=len(of))], -1)
    medians = np.log([DWELL[k] for k in KINDS])
    dwell = np.exp(medians[kind] + DWELL_SIGMA * rng.standard_normal(len(of)))
    dwell = np.clip(dwell, 2, MAX_DWELL)
    gap = dwell + 0.2
    before = np.cumsum(gap) - gap
    at = v.start[of] + before - before[first][of]
    leave = at + dwell
    kept = leave < next_midnight - 1  # a visit ends at midnight
    consenting = pool.stats[v.visitor][of]
    banner = ~v.returning[of] & (position == 0)  # a new browser's first page: no choice yet
    as_event = kept & consenting & ~banner
    tables = _Tables(cat)
    parts = [
        tables.views(np.flatnonzero(as_event), of, at, path, query, position, v),
        tables.clicks(
            np.flatnonzero(as_event & (kind == 2) & (position > 0)), of, leave, path, kind
        ),
        tables.beacons(np.flatnonzero(kept & consenting), of, leave, dwell, path, banner, rng),
    ]
    agents = pool.agent[v.visitor]
    extra = _carts(
        rng, cat, v, pages, first, kept, leave, item, kind, next_midnight, consenting, agents
    )
    parts.append(extra.part())
    events = tables.assemble(parts, v, visits, pool, rng)
    counted = kept & ~(consenting & ~banner)
    landing_referrer = np.where(position == 0, v.referrer[of], "")
    keys = list(
        zip(
            path[counted].tolist(),
            pool.agent[v.visitor[of[counted]]].tolist(),
            landing_referrer[counted].tolist(),
            strict=True,
        )
    )
    counts, views = tables.counts(rng, day, keys + extra.counts, visits)
    purchases = [(t, items, int(v.visitor[n])) for t, items, n in extra.purchases]
    return DayRows(day, events, counts, v.ledger, purchases, views)


PART_COLUMNS = EVENT_COLUMNS[1:13]  # what a page or beacon decides; the rest is its visit's


class _Tables:
    """Turning chosen pages into event columns (per visit columns are added at the end)."""

    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self.paths = np.array(cat.paths, dtype=object)
        self.page_types = np.array(cat.page_types, dtype=object)
        self.view_types = np.array(cat.view_types, dtype=object)
        self.product_ids = np.array(cat.product_ids, dtype=object)
        self.category_ids = np.array(cat.category_ids, dtype=object)
        self.queries = np.array([*cat.queries, ""], dtype=object)  # -1: no query

    @staticmethod
    def part(visit, at, kind, path, page_type, product, category, query, step, ms, ref, utm):
        columns = (kind, path, page_type, product, category, query, step, ms, ref, *utm)
        filled = (_column(value, len(visit)) for value in columns)
        return {"visit": visit, "at": at} | dict(zip(PART_COLUMNS, filled, strict=True))

    def views(self, idx, of, at, path, query, position, v: Day) -> dict:
        p, landing, visit = path[idx], position[idx] == 0, of[idx]
        utm = [np.where(landing, column[visit], "") for column in v.utm]
        return self.part(
            visit, at[idx], self.view_types[p], self.paths[p], self.page_types[p],
            self.product_ids[p], self.category_ids[p], self.queries[query[idx]], "", None,
            np.where(landing, v.referrer[visit], ""), utm,
        )  # fmt: skip

    def clicks(self, idx, of, leave, path, kind) -> dict:
        """A product reached from a listing: the listing's leave beacon carries the click."""
        idx = idx[np.isin(kind[idx - 1], (0, 1, 3))]
        return self.part(
            of[idx], leave[idx - 1], "product_click", self.paths[path[idx - 1]], "",
            self.product_ids[path[idx]], None, "", "", None, "", ("", "", ""),
        )  # fmt: skip

    def beacons(self, idx, of, leave, dwell, path, banner, rng) -> dict:
        """Time on page; on a new browser's first page the script starts at the answer."""
        seconds = dwell[idx] - np.where(banner[idx], rng.uniform(2, 20, len(idx)), 0)
        ms = np.maximum(np.round(seconds * 1000), 200).astype(np.int64).astype(object)
        return self.part(
            of[idx], leave[idx], "time_on_page", self.paths[path[idx]], "", None, None, "", "",
            ms, "", ("", "", ""),
        )  # fmt: skip

    def assemble(self, parts: list[dict], v: Day, visits: int, pool: VisitorPool, rng) -> dict:
        columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
        order = np.argsort(columns.pop("at"), kind="stable")
        visit = columns.pop("visit").astype(np.int64)[order]
        columns = {name: column[order] for name, column in columns.items()}
        at = np.concatenate([p["at"] for p in parts])[order]
        agents = np.array(self.cat.agents, dtype=object)[pool.agent[v.visitor]]
        home = pool.prefix[v.visitor]
        prefix = np.where(
            rng.random(visits) < 0.85, home, rng.integers(len(self.cat.prefixes), size=visits)
        )
        day = v.day.isoformat()
        visitor_ids = np.array([_md5(f"visitor{n}") for n in v.visitor.tolist()], dtype=object)
        visit_ids = np.array([_md5(f"visit{day}-{n}") for n in range(visits)], dtype=object)
        return {
            "at": at,
            **columns,
            "device": np.array([a[0] for a in agents], dtype=object)[visit],
            "os": np.array([a[1] for a in agents], dtype=object)[visit],
            "browser": np.array([a[2] for a in agents], dtype=object)[visit],
            "ip_prefix": np.array(self.cat.prefixes, dtype=object)[prefix][visit],
            "visitor_id": visitor_ids[visit],
            "visit_id": visit_ids[visit],
        }

    def counts(self, rng, day: date, keys: list[tuple[int, int, str]], visits: int):
        """Cookieless counts of the day: people's pages (path, agent, referrer) and crawlers'."""
        tally: dict[tuple[int, str, str], int] = {}
        for path, agent, referrer in keys:
            key = (path, self.cat.agents[agent][0], referrer)
            tally[key] = tally.get(key, 0) + 1
        people = sum(tally.values())
        for _ in range(max(1, round(visits * 0.03))):
            for item in self.cat.pick(rng, int(rng.integers(5, 60))).tolist():
                key = (int(self.cat.product_page[item]), "bot", "")
                tally[key] = tally.get(key, 0) + 1
        rows = [
            (day, self.cat.paths[p], self.cat.page_types[p], self.cat.product_ids[p] or 0,
             self.cat.category_ids[p] or 0, device, referrer, views)
            for (p, device, referrer), views in tally.items()
        ]  # fmt: skip
        return rows, people + (sum(tally.values()) - people)


@dataclass
class _Extra:
    """The few visits that put something in the cart, made one step at a time."""

    tables: _Tables
    rows: list[tuple] = field(default_factory=list)  # visit, at, path index, item, step
    counts: list[tuple[int, int, str]] = field(default_factory=list)  # path, agent, referrer
    purchases: list[tuple[float, list[int], int]] = field(default_factory=list)

    def part(self) -> dict:
        t = self.tables
        if not self.rows:
            return {name: np.zeros(0, dtype=object) for name in ("visit", "at", *PART_COLUMNS)}
        visit, at, path, item, step = zip(*self.rows, strict=True)
        path = np.array(path, dtype=np.int64)
        # A POST (add, order) is about its item; a page view about its page.
        pages = np.array(
            [t.cat.product_page[i] if i >= 0 else p for p, i in zip(path, item, strict=True)]
        )
        category = np.where(path == ORDER, None, t.category_ids[pages])
        kind = np.where(np.array(step, dtype=object) != "", "checkout_step", t.view_types[path])
        return t.part(
            np.array(visit), np.array(at, dtype=float), kind, t.paths[path], t.page_types[path],
            t.product_ids[pages], category, "", np.array(step, dtype=object), None, "",
            ("", "", ""),
        )  # fmt: skip


def _carts(rng, cat, v: Day, pages, first, kept, leave, item, kind, next_midnight, stats, agents):
    """Visits that buy (traffic_shape.CONVERSION) or abandon a cart, after their last page."""
    extra = _Extra(_Tables(cat))
    roll = rng.random(len(pages))
    for n in np.flatnonzero(roll < shape.CONVERSION + shape.ABANDON_SHARE).tolist():
        last = first[n] + pages[n] - 1
        if not kept[last] or leave[last] > next_midnight - 1800:
            continue  # too close to midnight for a checkout in the same visit
        buys = roll[n] < shape.CONVERSION
        chosen = [int(item[last])] if kind[last] == 2 else [int(cat.pick(rng, 1)[0])]
        if buys and rng.random() < 0.15:
            chosen.append(int(cat.neighbours[chosen[0], rng.integers(NEIGHBOURS)]))
        steps: list[tuple[int, int]] = []  # path, item (-1: the page itself)
        for product in chosen:
            steps += [(ADD, product), (int(cat.product_page[product]), -1)]
        if buys or rng.random() < 0.65:
            steps.append((CART, -1))
            if buys or rng.random() < 0.45:
                steps.append((CHECKOUT, -1))
        if buys:
            steps += [(ORDER, product) for product in chosen]
        at, consenting = float(leave[last]) + 0.2, bool(stats[last])
        for path, product in steps:
            if path in (ADD, ORDER):  # a POST: an event, never a page view
                if consenting:
                    extra.rows.append((n, at, path, product, ""))
                at += 0.3
                continue
            if consenting:
                extra.rows.append((n, at, path, product, ""))
                if path == CHECKOUT:
                    extra.rows.append((n, at, path, product, "details"))
            else:
                extra.counts.append((path, int(agents[n]), ""))
            at += rng.uniform(60, 300) if path == CHECKOUT else rng.lognormal(np.log(30), 0.8)
        if buys:
            extra.purchases.append((at - 0.3, chosen, n))
    return extra
