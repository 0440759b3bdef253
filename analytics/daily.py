"""One Oslo day's rollup, computed in memory: the rows each `analytics_*` table gets for it.

rollup.py writes them (replacing the day); reading.py uses the same rows for today, which is
never written but computed live. Orders are rolled up on their own (`sales_rows`), because
a cancellation can change a day long past and all orders are cheap to redo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from analytics import sketch, sources
from analytics.periods import oslo_day_bounds
from analytics.visits import (
    MAX_VISIT_NUMBER,
    classify_sources,
    days_since_bucket,
    duration_bucket,
    split_visits,
)
from bkm.clock import OSLO
from bkm.consent.registry import PURPOSES

BANNER_PURPOSES = tuple(p.key for p in PURPOSES if p.optional and p.in_banner)
FACT_COLUMNS = [
    "started_at",
    "entry_path",
    "exit_path",
    "page_views",
    "duration_s",
    "is_bounce",
    "device",
    "channel",
    "source",
    "purchased",
]  # analytics_visits' columns, with the day and the two that number_visits adds
NUMBERING = ["visit_number", "days_since_previous"]
BOT = "bot"


@dataclass
class DayRollup:
    day: date
    totals: dict
    registers: bytes
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # table name → rows
    # The day's visits with their visitor ids, until number_day has numbered them (the ids
    # never reach a table).
    visits: pd.DataFrame | None = None


class VisitorMemory:
    """Which visit of its visitor each visit is, across the days of one rollup run.

    Visitor ids seen earlier in the run are answered from memory; others are looked up in
    the raw events before the run began (one grouped query per 500 ids). A run that starts
    at the very first event needs no lookups at all.
    """

    def __init__(self, run_start: datetime, *, nothing_before: bool = False) -> None:
        self.run_start = run_start
        self.nothing_before = nothing_before
        self.visits: dict[str, int] = {}  # visitor id → visits so far
        self.last_day: dict[str, int] = {}  # visitor id → ordinal of the day of the latest

    def remember_day(self, day: date) -> None:
        """Learn the visits of a day that is not rolled up again (its rollup is kept)."""
        start, end = oslo_day_bounds(day)
        self.number_visits(split_visits(sources.events_between(start, end)).visits, day)

    def number_visits(self, visits: pd.DataFrame, day: date) -> pd.DataFrame:
        """Adds visit_number and days_since_previous (<NA> for a withdrawn visitor id)."""
        visits = visits.sort_values("started_at", kind="stable").reset_index(drop=True)
        codes, visitors = pd.factorize(visits["visitor_id"])
        visitors = visitors.tolist()
        if not self.nothing_before:
            self._look_up([v for v in visitors if v and v not in self.visits])
        before = np.array([self.visits.get(v, 0) for v in visitors], dtype=np.int64)
        last = np.array([self.last_day.get(v, -1) for v in visitors], dtype=np.int64)
        rank = pd.Series(codes).groupby(codes).cumcount().to_numpy()  # visits earlier today
        named = np.array([bool(v) for v in visitors])[codes]
        previous = last[codes]
        since = np.where(rank > 0, 0, day.toordinal() - previous).astype(float)
        since[(rank == 0) & (previous < 0)] = np.nan
        number = (before[codes] + rank + 1).astype(float)
        visits["visit_number"] = pd.array(np.where(named, number, np.nan), dtype="Int64")
        visits["days_since_previous"] = pd.array(np.where(named, since, np.nan), dtype="Int64")
        today = before + np.bincount(codes, minlength=len(visitors))
        self.visits.update(zip(visitors, today.tolist(), strict=True))
        self.last_day.update(dict.fromkeys(visitors, day.toordinal()))
        self.visits.pop("", None)
        self.last_day.pop("", None)
        return visits

    def _look_up(self, unknown: list[str]) -> None:
        if not unknown:
            return
        history = sources.visitor_history(unknown, self.run_start)
        last_days = history["last_at"].dt.tz_convert(OSLO).dt.date
        for visitor, count, last_day in zip(
            history["visitor_id"], history["visits"], last_days, strict=True
        ):
            self.visits[visitor] = int(count)
            self.last_day[visitor] = last_day.toordinal()


def compute_day(day: date, memory: VisitorMemory | None = None) -> DayRollup:
    memory = memory or VisitorMemory(oslo_day_bounds(day)[0])
    return number_day(read_day(day), memory)


def read_day(day: date) -> DayRollup:
    """Everything of a day's rollup but which visit of its visitor each visit was: that
    needs the days before (number_day). Reads the shop; writes nothing."""
    start, end = oslo_day_bounds(day)
    events = sources.events_between(start, end)
    counts = sources.page_counts_on(day)
    humans = counts[counts["device"] != BOT]
    split = split_visits(events)
    visits, views = split.visits, split.page_views
    visitor_ids = visits.loc[visits["visitor_id"] != "", "visitor_id"]
    totals = {
        "visits": len(visits),
        "visitors": int(visitor_ids.nunique()),
        "page_views": len(views),
        "cookieless_views": int(humans["views"].sum()),
        "bot_views": int(counts.loc[counts["device"] == BOT, "views"].sum()),
        "bounces": int(visits["is_bounce"].sum()),
        "duration_s": int(visits["duration_s"].sum()),
        "raw_events": len(events),
    }
    tables = {
        "analytics_duration_days": _durations(visits),
        "analytics_page_days": _pages(views, humans),
        "analytics_product_days": _products(events, humans),
        "analytics_transition_days": split.transitions,
        "analytics_source_days": _sources(visits, humans),
        "analytics_device_days": _devices(visits, views, humans),
        "analytics_consent_days": _consent(sources.consent_answers(start, end)),
    }
    registers = sketch.to_bytes(sketch.sketch_of(visitor_ids))
    return DayRollup(day, totals, registers, tables, visits[["visitor_id", *FACT_COLUMNS]])


def number_day(rollup: DayRollup, memory: VisitorMemory) -> DayRollup:
    """Adds the visit rows and the frequency table, numbering the visits in `memory`; the
    days of a run must come in order."""
    visits = memory.number_visits(rollup.visits, rollup.day)
    rollup.tables["analytics_visits"] = _visit_facts(visits, rollup.day)
    rollup.tables["analytics_frequency_days"] = _frequency(visits)
    rollup.visits = None
    return rollup


def _visit_facts(visits: pd.DataFrame, day: date) -> pd.DataFrame:
    return visits[[*FACT_COLUMNS, *NUMBERING]].assign(day=day)


def _durations(visits: pd.DataFrame) -> pd.DataFrame:
    buckets = duration_bucket(visits["duration_s"]).rename("bucket_s")
    return _summed(buckets.to_frame(), {"visits": np.ones(len(visits))})


def _pages(views: pd.DataFrame, humans: pd.DataFrame) -> pd.DataFrame:
    keys = ["path", "page_type"]
    time_ms = views["time_ms"].to_numpy(dtype=float)
    return _summed(
        pd.concat([views[keys], humans[keys]], ignore_index=True),
        {
            "views": _pad(np.ones(len(views)), len(humans)),
            "cookieless_views": _pad(np.zeros(len(views)), humans["views"]),
            "entries": _pad(views["is_entry"], len(humans)),
            "exits": _pad(views["is_exit"], len(humans)),
            "bounces": _pad(views["is_bounce"], len(humans)),
            "time_ms": _pad(np.round(np.nan_to_num(time_ms)), len(humans)),
            "timed_views": _pad(~np.isnan(time_ms), len(humans)),
        },
    )


def _products(events: pd.DataFrame, humans: pd.DataFrame) -> pd.DataFrame:
    kinds = events["type"].to_numpy(dtype=object)
    named = events["product_id"].notna().to_numpy() & np.isin(
        kinds, ("product_view", "product_click", "add_to_cart")
    )
    pages = humans[(humans["page_type"] == "product") & (humans["product_id"] > 0)]
    kinds = kinds[named]
    return _summed(
        pd.DataFrame(
            {
                "product_id": np.concatenate(
                    [
                        events["product_id"].to_numpy(float)[named],
                        pages["product_id"].to_numpy(float),
                    ]
                ).astype(np.int64)
            }
        ),
        {
            "views": _pad(kinds == "product_view", len(pages)),
            "cookieless_views": _pad(np.zeros(len(kinds)), pages["views"]),
            "clicks": _pad(kinds == "product_click", len(pages)),
            "added_to_cart": _pad(kinds == "add_to_cart", len(pages)),
        },
    )


def _sources(visits: pd.DataFrame, humans: pd.DataFrame) -> pd.DataFrame:
    keys = ["channel", "source", "campaign"]
    arrivals = humans[humans["referrer_host"] != ""]
    empty = pd.Series("", index=arrivals.index, dtype=object)
    classified = classify_sources(arrivals["referrer_host"], empty, empty)
    return _summed(
        pd.concat([visits[keys], classified[keys]], ignore_index=True),
        {
            "visits": _pad(np.ones(len(visits)), len(arrivals)),
            "bounces": _pad(visits["is_bounce"], len(arrivals)),
            "page_views": _pad(visits["page_views"], len(arrivals)),
            "purchases": _pad(visits["purchased"], len(arrivals)),
            "cookieless_arrivals": _pad(np.zeros(len(visits)), arrivals["views"]),
        },
    )


def _devices(visits: pd.DataFrame, views: pd.DataFrame, humans: pd.DataFrame) -> pd.DataFrame:
    keys = ["device", "os", "browser"]
    counted = humans[["device"]].assign(os="", browser="")  # the class is all they have
    time_ms = views["time_ms"].to_numpy(dtype=float)
    sizes = (len(visits), len(views), len(counted))
    return _summed(
        pd.concat([visits[keys], views[keys], counted], ignore_index=True),
        {
            "visits": _spread(sizes, 0, np.ones(len(visits))),
            "page_views": _spread(sizes, 0, visits["page_views"]),
            "bounces": _spread(sizes, 0, visits["is_bounce"]),
            "duration_s": _spread(sizes, 0, visits["duration_s"]),
            "time_ms": _spread(sizes, 1, np.round(np.nan_to_num(time_ms))),
            "timed_views": _spread(sizes, 1, ~np.isnan(time_ms)),
            "cookieless_views": _spread(sizes, 2, humans["views"]),
        },
    )


def _pad(values, after) -> np.ndarray:
    """`values`, then zeros for `after` rows (a count), or then `after`'s values (a series)."""
    values = np.asarray(values, dtype=float)
    if isinstance(after, int):
        return np.concatenate([values, np.zeros(after)])
    return np.concatenate([np.zeros(len(values)), np.asarray(after, dtype=float)])


def _spread(sizes: tuple[int, ...], part: int, values) -> np.ndarray:
    """`values` in the place of part `part` of rows concatenated from parts of `sizes`."""
    out = np.zeros(sum(sizes))
    start = sum(sizes[:part])
    out[start : start + sizes[part]] = np.asarray(values, dtype=float)
    return out


def _summed(keys: pd.DataFrame, measures: dict[str, np.ndarray]) -> pd.DataFrame:
    """SUM(measures) GROUP BY the key columns, with integer codes and bincount: pandas'
    groupby on several text columns costs several times more on a day's rows."""
    combined = np.zeros(len(keys), dtype=np.int64)
    for column in keys.columns:
        codes, uniques = pd.factorize(keys[column])
        combined = combined * (len(uniques) + 1) + codes
    group, distinct = pd.factorize(combined)
    first = np.full(len(distinct), len(keys), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(keys)))
    frame = keys.iloc[first].reset_index(drop=True)
    for name, values in measures.items():
        summed = np.bincount(group, weights=values, minlength=len(distinct))
        frame[name] = np.rint(summed).astype(np.int64)
    return frame


def _frequency(visits: pd.DataFrame) -> pd.DataFrame:
    numbers = visits["visit_number"].fillna(0).clip(upper=MAX_VISIT_NUMBER).astype("int64")
    since = days_since_bucket(visits["days_since_previous"].astype("float64"))
    grouped = pd.DataFrame({"visit_number": numbers, "days_since": since}).value_counts()
    return grouped.rename("visits").reset_index()


def _consent(answers: pd.DataFrame) -> pd.DataFrame:
    granted = answers["granted"].fillna("").str.split(",")
    refused = answers["refused"].fillna("").str.split(",")
    rows = [
        {
            "purpose": purpose,
            "granted": int(granted.map(lambda given, p=purpose: p in given).sum()),
            "refused": int(refused.map(lambda said_no, p=purpose: p in said_no).sum()),
        }
        for purpose in BANNER_PURPOSES
    ]
    frame = pd.DataFrame(rows, columns=["purpose", "granted", "refused"])
    return frame[(frame["granted"] + frame["refused"]) > 0]


def sales_rows(lines: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """analytics_product_sales and analytics_order_hours rows from sources.sold_lines()."""
    placed = lines["placed_at"].dt.tz_convert(OSLO)
    lines = lines.assign(day=placed.dt.date, hour=placed.dt.hour)
    lines["net_ore"] = lines["line_total_ore"] - lines["line_vat_ore"]
    products = (
        lines.groupby(["day", "product_id"])
        .agg(
            category_id=("category_id", "max"),
            orders=("order_id", "nunique"),
            units=("quantity", "sum"),
            revenue_ore=("line_total_ore", "sum"),
            net_ore=("net_ore", "sum"),
        )
        .reset_index()
    )
    units = lines.groupby("order_id")["quantity"].sum()
    orders = lines.drop_duplicates("order_id").set_index("order_id")
    orders = orders.assign(units=units, revenue_ore=orders["order_total_ore"])
    orders["net_ore"] = orders["order_total_ore"] - orders["order_vat_ore"]
    hours = (
        orders.groupby(["day", "hour"])
        .agg(
            orders=("revenue_ore", "size"),
            units=("units", "sum"),
            revenue_ore=("revenue_ore", "sum"),
            net_ore=("net_ore", "sum"),
        )
        .reset_index()
    )
    return {"analytics_product_sales": products, "analytics_order_hours": hours}
