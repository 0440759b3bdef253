"""Filling the `analytics_*` tables: day by day, replacing, so any day can be redone.

- `rollup_day(day)` replaces one Oslo day's rows (and its month's sums).
- `rollup_pending()` (the nightly `flask --app wsgi analytics rollup`) rolls every finished
  day that has no rollup yet, or was rolled up before it ended.
- `rollup_all()` replaces every day with raw data.
Each also redoes the order figures for every day (`rollup_sales`): an order cancelled today
leaves a day long past, and all orders take well under a second.

Raw events are purged after CLICKSTREAM_RETENTION_DAYS; a rollup keeps the raw row count it
was made from, and a day that now has fewer raw rows is left as it is, so purging never
changes the figures. Today is never needed here: the dashboards compute it live.

These are rules: they never commit. `after_day` lets a long run commit as it goes (the CLI
does, so SQLite's write lock is never held for more than a day's rows).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, literal, select

from analytics import sources
from analytics.daily import DayRollup, VisitorMemory, number_day, sales_rows
from analytics.models import (
    DAY,
    MONTH,
    ConsentDay,
    DayTotals,
    DeviceDay,
    DurationDay,
    FrequencyDay,
    OrderHour,
    PageDay,
    ProductDay,
    ProductSalesDay,
    SourceDay,
    TransitionDay,
    VisitFact,
    VisitorSketch,
)
from analytics.periods import month_start, next_month, oslo_day_bounds
from analytics.workers import read_days
from analytics.writing import insert_rows
from bkm.clock import OSLO, utcnow
from bkm.extensions import db

DAY_TABLES = {
    model.__tablename__: model
    for model in (
        VisitFact,
        DurationDay,
        PageDay,
        ProductDay,
        TransitionDay,
        SourceDay,
        DeviceDay,
        FrequencyDay,
        ConsentDay,
    )
}
MONTHLY = (PageDay, ProductDay, TransitionDay, DurationDay)  # tables with `span`
SALES_TABLES = {model.__tablename__: model for model in (ProductSalesDay, OrderHour)}


@dataclass
class RollupSummary:
    days: int = 0
    events: int = 0
    visits: int = 0
    kept: list[date] = field(default_factory=list)  # purged since their rollup: left alone
    sold_lines: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        text = (
            f"Summerte {self.days} dager: {self.events} hendelser, {self.visits} besøk, "
            f"{self.sold_lines} ordrelinjer, på {self.seconds:.1f} s."
        )
        if self.kept:
            text += f" {len(self.kept)} dager med slettede rådata ble beholdt som de var."
        return text


def rollup_day(day: date) -> RollupSummary:
    return rollup_days([day])


def rollup_all(
    after_day: Callable[[], None] | None = None, workers: int | None = None
) -> RollupSummary:
    """Every day from the first to the last with raw data, each replaced."""
    first, last = _data_span()
    if first is None:
        return rollup_days([])
    return rollup_days(_days(first, last), after_day=after_day, workers=workers)


def rollup_pending(
    today: date | None = None, after_day: Callable[[], None] | None = None
) -> RollupSummary:
    """Finished days (before today) with data that have no complete rollup yet."""
    today = today or datetime.now(OSLO).date()
    first, _last = _data_span()
    if first is None:
        return rollup_days([])
    complete = {
        day
        for day, rolled_at in db.session.execute(select(DayTotals.day, DayTotals.rolled_at))
        if rolled_at >= oslo_day_bounds(day)[1]
    }
    days = [day for day in _days(first, today - timedelta(days=1)) if day not in complete]
    return rollup_days(days, after_day=after_day)


def rollup_days(
    days: Iterable[date],
    after_day: Callable[[], None] | None = None,
    workers: int | None = None,
) -> RollupSummary:
    """Replace each day's rollup, in order; `workers` processes read the days of a long run
    (analytics/workers.py; default: the machine's cores)."""
    started = time.perf_counter()
    days = sorted(set(days))
    summary = RollupSummary()
    if days:
        memory = _memory_for(days[0])
        kept = _purged_since_rolled(days)
        summary.kept = [day for day in days if day in kept]
        fresh = read_days([day for day in days if day not in kept], workers)
        for day in days:
            if day in kept:
                memory.remember_day(day)  # its visitors still come back on later days
                continue
            rollup = number_day(next(fresh), memory)
            write_day(rollup)
            summary.days += 1
            summary.events += rollup.totals["raw_events"]
            summary.visits += rollup.totals["visits"]
            if after_day is not None:
                after_day()
        refresh_months({month_start(day) for day in days})
    summary.sold_lines = rollup_sales()
    summary.seconds = time.perf_counter() - started
    return summary


def _memory_for(first_day: date) -> VisitorMemory:
    run_start = oslo_day_bounds(first_day)[0]
    first_event, _ = sources.first_and_last_event()
    return VisitorMemory(run_start, nothing_before=first_event is None or first_event >= run_start)


def _purged_since_rolled(days: list[date]) -> set[date]:
    """Days whose raw events are fewer now than when they were rolled up: purged since."""
    rolled = dict(
        db.session.execute(
            select(DayTotals.day, DayTotals.raw_events).where(
                DayTotals.day.between(days[0], days[-1]), DayTotals.raw_events > 0
            )
        ).all()
    )
    return {
        day
        for day, raw_events in rolled.items()
        if raw_events > sources.count_events_between(*oslo_day_bounds(day))
    }


def write_day(rollup: DayRollup) -> None:
    day = rollup.day
    for name, model in DAY_TABLES.items():
        condition = [model.day == day]
        if model in MONTHLY:
            condition.append(model.span == DAY)
        db.session.execute(delete(model).where(*condition))
        rows = rollup.tables[name]
        if model in MONTHLY:
            rows = rows.assign(span=DAY)
        if name != VisitFact.__tablename__:
            rows = rows.assign(day=day)
        insert_rows(model, rows)
    db.session.execute(delete(DayTotals).where(DayTotals.day == day))
    db.session.execute(delete(VisitorSketch).where(VisitorSketch.day == day))
    db.session.execute(insert(DayTotals), [{"day": day, "rolled_at": utcnow(), **rollup.totals}])
    db.session.execute(insert(VisitorSketch), [{"day": day, "registers": rollup.registers}])


def refresh_months(months: Iterable[date]) -> None:
    """Each month row is the sum of its day rows (DESIGN: a 12-month view adds ~12 rows)."""
    for month in sorted(set(months)):
        end = next_month(month) - timedelta(days=1)
        for model in MONTHLY:
            table = model.__table__
            keys = [c for c in table.primary_key.columns if c.name not in ("span", "day")]
            measures = [c for c in table.columns if not c.primary_key]
            db.session.execute(delete(model).where(model.span == MONTH, model.day == month))
            summed = [func.sum(c) for c in measures]
            source = (
                select(literal(MONTH), literal(month), *keys, *summed)
                .where(table.c.span == DAY, table.c.day.between(month, end))
                .group_by(*keys)
            )
            names = ["span", "day", *(c.name for c in keys), *(c.name for c in measures)]
            db.session.execute(insert(table).from_select(names, source))


def rollup_sales() -> int:
    """All order figures again, from every order that was not cancelled."""
    lines = sources.sold_lines()
    rows = sales_rows(lines)
    for name, model in SALES_TABLES.items():
        db.session.execute(delete(model))
        insert_rows(model, rows[name])
    return len(lines)


def _data_span() -> tuple[date | None, date | None]:
    first_at, last_at = sources.first_and_last_event()
    first_counted, last_counted = sources.first_and_last_counted_day()
    firsts = [d for d in (first_at and first_at.astimezone(OSLO).date(), first_counted) if d]
    lasts = [d for d in (last_at and last_at.astimezone(OSLO).date(), last_counted) if d]
    return (min(firsts), max(lasts)) if firsts else (None, None)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
