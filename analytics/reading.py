"""What the dashboards read: sums of rollup rows over a period, with today computed live.

Finished days come from the `analytics_*` tables only (never raw events); whole months of
the big tables come from their month rows. Each worker keeps the finished days' sums it
read until a rollup changes the tables (`rollup_generation`), so a dashboard seen again
costs only today's part. Today is never stored: its rows are computed from today's raw
events by the same code the rollup uses (analytics/daily.py), and each worker reuses them
for ANALYTICS_LIVE_SECONDS (60 s), so today's figures are at most that old.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from flask import current_app, g
from sqlalchemy import and_, func, or_, select

from analytics import sketch, sources
from analytics.daily import DayRollup, compute_day, sales_rows
from analytics.models import DAY, MONTH, DayTotals, OrderHour, VisitorSketch
from analytics.periods import Period, oslo_day_bounds, split_by_month
from bkm.clock import oslo_today
from bkm.extensions import db

TOTALS = ("visits", "page_views", "cookieless_views", "bounces", "duration_s")


@dataclass(frozen=True)
class LiveDay:
    rollup: DayRollup
    sales: dict[str, pd.DataFrame]

    def rows(self, table: str) -> pd.DataFrame:
        if table == DayTotals.__tablename__:
            return pd.DataFrame([self.rollup.totals])
        return self.sales[table] if table in self.sales else self.rollup.tables[table]


_live_lock = threading.Lock()
_live: dict[tuple[str, date], tuple[float, LiveDay]] = {}


def live_day(day: date) -> LiveDay:
    """Today's rows: computed once per request at most, and reused by the worker for
    ANALYTICS_LIVE_SECONDS."""
    key = (str(db.engine.url), day)
    if (mine := g.get("analytics_live")) is not None and mine[0] == key:
        return mine[1]
    ttl = float(current_app.config.get("ANALYTICS_LIVE_SECONDS", 60))
    with _live_lock:
        cached = _live.get(key)
        if cached is None or time.monotonic() - cached[0] >= ttl:
            start, end = oslo_day_bounds(day)
            live = LiveDay(compute_day(day), sales_rows(sources.sold_lines(start, end)))
            _live.clear()  # only today is ever kept
            cached = _live[key] = (time.monotonic(), live)
    g.analytics_live = (key, cached[1])
    return cached[1]


def forget_live() -> None:
    """Forget today's figures and the finished days' sums this worker keeps."""
    with _live_lock:
        _live.clear()
    _stored.clear()


def _stored_end(period: Period, today: date) -> date:
    return min(period.end, today - timedelta(days=1))


def sums(
    model,
    period: Period,
    by: Sequence[str],
    measures: Sequence[str],
    *,
    today: date | None = None,
) -> pd.DataFrame:
    """SUM(measures) GROUP BY `by` over the period's days (`by` may include "day")."""
    today = today or oslo_today()
    table = model.__table__
    by, measures = list(by), list(measures)
    parts = []
    last = _stored_end(period, today)
    if period.start <= last:
        parts.append(_stored_sums(table, period.start, last, tuple(by), tuple(measures)))
    if period.contains(today):
        rows = live_day(today).rows(model.__tablename__)
        if "day" in by:
            rows = rows.assign(day=today)
        parts.append(rows[[*by, *measures]] if len(rows) else pd.DataFrame(columns=by + measures))
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame(
            {name: pd.Series(dtype=_dtype(table.c[name])) for name in by + measures}
        )
    combined = pd.concat(parts, ignore_index=True)
    combined[measures] = combined[measures].fillna(0).astype("int64")
    if not by:
        return combined[measures].sum().to_frame().T
    if len(parts) == 1:
        return combined
    return combined.groupby(by, as_index=False, sort=False)[measures].sum()


def _stored_sums(table, start: date, last: date, by: tuple, measures: tuple) -> pd.DataFrame:
    key = (str(db.engine.url), table.name, start, last, by, measures)
    generation = _generation.get() or rollup_generation()
    found = _stored.get(key, generation)
    if found is not None:
        return found
    statement = (
        select(*(table.c[name] for name in by), *(func.sum(table.c[m]).label(m) for m in measures))
        .where(_days_condition(table, start, last, monthly="day" not in by))
        .group_by(*(table.c[name] for name in by))
    )
    # The driver's tuples straight into pandas (SQLAlchemy's Row objects cost more than the
    # query on a 12-month breakdown); SQLite returns dates as text.
    result = db.session.connection().execute(statement)
    try:
        frame = pd.DataFrame(result.cursor.fetchall(), columns=[*by, *measures], dtype=object)
    finally:
        result.close()
    frame[list(measures)] = frame[list(measures)].fillna(0).astype("int64")
    for name in by:
        if name == "day":
            frame[name] = pd.to_datetime(frame[name]).dt.date
        elif table.c[name].type.python_type is int:
            frame[name] = frame[name].astype("int64")
    _stored.put(key, generation, frame)
    return frame


class StoredSums:
    """Finished days' sums, kept per worker until the rollup tables change (a rollup ran):
    a dashboard viewed again reads them from memory. At most MAX_ROWS rows are kept."""

    MAX_ROWS = 400_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frames: OrderedDict[tuple, tuple[tuple, pd.DataFrame]] = OrderedDict()

    def get(self, key: tuple, generation: tuple) -> pd.DataFrame | None:
        with self._lock:
            found = self._frames.get(key)
            if found is None or found[0] != generation:
                return None
            self._frames.move_to_end(key)
            return found[1]

    def put(self, key: tuple, generation: tuple, frame: pd.DataFrame) -> None:
        with self._lock:
            self._frames[key] = (generation, frame)
            while sum(len(f) for _, f in self._frames.values()) > self.MAX_ROWS:
                self._frames.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()


_stored = StoredSums()
_generation: ContextVar[tuple | None] = ContextVar("analytics_generation", default=None)


def rollup_generation() -> tuple:
    """Changes whenever a rollup changes the tables: days rolled, and the order figures."""
    days = select(func.count(), func.max(DayTotals.rolled_at))
    orders = select(func.count(), func.sum(OrderHour.revenue_ore), func.sum(OrderHour.orders))
    return (*db.session.execute(days).one(), *db.session.execute(orders).one())


@contextmanager
def one_generation():
    """Reads inside see the rollup tables as they were when it began (one check, not one
    per query)."""
    token = _generation.set(rollup_generation())
    try:
        yield
    finally:
        _generation.reset(token)


def _dtype(column) -> str:
    return "int64" if column.type.python_type is int else "object"


def _days_condition(table, start: date, end: date, *, monthly: bool):
    if "span" not in table.c:
        return table.c.day.between(start, end)
    if not monthly:
        return and_(table.c.span == DAY, table.c.day.between(start, end))
    months, ranges = split_by_month(start, end)
    parts = [and_(table.c.span == DAY, table.c.day.between(a, b)) for a, b in ranges]
    if months:
        parts.append(and_(table.c.span == MONTH, table.c.day.in_(months)))
    return or_(*parts)


def daily_totals(period: Period, *, today: date | None = None) -> pd.DataFrame:
    """One row per day of the period (days without data: zeros)."""
    today = today or oslo_today()
    frame = sums(DayTotals, period, ["day"], TOTALS, today=today)
    index = pd.Index(period.each_day(), name="day")
    return frame.set_index("day").reindex(index, fill_value=0).reset_index()


def visitors(period: Period, *, today: date | None = None) -> int:
    """Distinct visitors over the period: the days' sketches merged (±1.6 %)."""
    today = today or oslo_today()
    last = _stored_end(period, today)
    registers = []
    if period.start <= last:
        statement = select(VisitorSketch.registers).where(
            VisitorSketch.day.between(period.start, last)
        )
        registers = [sketch.from_bytes(data) for data in db.session.scalars(statement)]
    if period.contains(today):
        registers.append(sketch.from_bytes(live_day(today).rollup.registers))
    return round(sketch.estimate(sketch.merge(registers))) if registers else 0


def unrolled_days(period: Period, *, today: date | None = None) -> int:
    """Finished days of the period that have no rollup yet (the nightly run has not been)."""
    today = today or oslo_today()
    last = _stored_end(period, today)
    if period.start > last:
        return 0
    rolled = db.session.scalar(
        select(func.count()).where(DayTotals.day.between(period.start, last))
    )
    return (last - period.start).days + 1 - (rolled or 0)
