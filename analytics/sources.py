"""The one module that reads the shop's tables: each function is a select that returns a
DataFrame (or a small dict). Everything else in analytics works on what these return, and
writes only its own `analytics_*` tables.

Times come back as pandas datetimes in UTC. Timestamps are read without SQLAlchemy's
per-value conversion (a day can hold 65,000 events) and parsed by pandas in one go.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select, type_coerce
from sqlalchemy.types import NullType

from bkm.catalog.models import Category, Product
from bkm.clickstream.models import ClickEvent, PageCount
from bkm.consent.models import ConsentRecord
from bkm.extensions import db
from bkm.orders.models import Order, OrderLine
from bkm.orders.statuses import CANCELLED

EVENT_COLUMNS = [
    "at",
    "type",
    "path",
    "page_type",
    "product_id",
    "duration_ms",
    "referrer_host",
    "utm_source",
    "utm_campaign",
    "device",
    "os",
    "browser",
    "visitor_id",
    "visit_id",
]
PAGE_VIEW_TYPES = ("page_view", "product_view", "category_view", "search")
HISTORY_CHUNK = 500  # visitor ids per IN list


def _frame(statement, columns: list[str], times: Iterable[str] = ()) -> pd.DataFrame:
    # The driver's own tuples: no ORM bookkeeping and no Row objects for pandas to inspect
    # (none of these columns needs SQLAlchemy's result processing).
    result = db.session.connection().execute(statement)
    try:
        frame = pd.DataFrame(result.cursor.fetchall(), columns=columns)
    finally:
        result.close()
    for column in times:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def _raw(column):
    """The column as the driver returns it (a string on SQLite), for pandas to parse."""
    return type_coerce(column, NullType()).label(column.key)


def events_between(start: datetime, end: datetime) -> pd.DataFrame:
    """Raw events of visitors with statistics consent, start <= at < end, grouped by visit
    (in the order of their first event) and in time order within each.

    The database returns them in time order, straight from the index on `at`; grouping by
    visit is a stable sort of integer codes here, cheaper than sorting on the 32-character
    visit id there. Text stays plain Python strings (pandas' string type costs time here)."""
    columns = [getattr(ClickEvent, name) for name in EVENT_COLUMNS]
    columns[0] = _raw(ClickEvent.at)
    statement = (
        select(*columns)
        .where(ClickEvent.at >= start, ClickEvent.at < end)
        .order_by(ClickEvent.at, ClickEvent.id)
    )
    result = db.session.connection().execute(statement)
    try:
        frame = pd.DataFrame(result.cursor.fetchall(), columns=EVENT_COLUMNS, dtype=object)
    finally:
        result.close()
    frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
    for column in ("product_id", "duration_ms"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    visits, _ = pd.factorize(frame["visit_id"])
    return frame.take(np.argsort(visits, kind="stable")).reset_index(drop=True)


def count_events_between(start: datetime, end: datetime) -> int:
    statement = select(func.count()).where(ClickEvent.at >= start, ClickEvent.at < end)
    return db.session.scalar(statement) or 0


def first_and_last_event() -> tuple[datetime | None, datetime | None]:
    # Two queries: SQLite answers min() or max() alone from the index, both at once by a scan.
    return db.session.scalar(select(func.min(ClickEvent.at))), db.session.scalar(
        select(func.max(ClickEvent.at))
    )


def first_and_last_counted_day() -> tuple[date | None, date | None]:
    return db.session.scalar(select(func.min(PageCount.day))), db.session.scalar(
        select(func.max(PageCount.day))
    )


def page_counts_on(day: date) -> pd.DataFrame:
    """Cookieless page views (no statistics consent, and bots) counted on an Oslo day."""
    columns = ["path", "page_type", "product_id", "category_id", "device", "referrer_host", "views"]
    statement = select(*(getattr(PageCount, name) for name in columns)).where(PageCount.day == day)
    return _frame(statement, columns)


def visitor_history(visitor_ids: Iterable[str], before: datetime) -> pd.DataFrame:
    """For each visitor id: how many visits with a page view it had before `before`, and the
    time of its latest event then. Visitors without earlier events are left out."""
    ids = sorted({v for v in visitor_ids if v})
    columns = ["visitor_id", "visits", "last_at"]
    frames = []
    for offset in range(0, len(ids), HISTORY_CHUNK):
        statement = (
            select(
                ClickEvent.visitor_id,
                func.count(ClickEvent.visit_id.distinct()),
                type_coerce(func.max(ClickEvent.at), NullType()),
            )
            .where(
                ClickEvent.visitor_id.in_(ids[offset : offset + HISTORY_CHUNK]),
                ClickEvent.at < before,
                ClickEvent.type.in_(PAGE_VIEW_TYPES),
            )
            .group_by(ClickEvent.visitor_id)
        )
        frames.append(_frame(statement, columns, times=["last_at"]))
    if not frames:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    return pd.concat(frames, ignore_index=True)


def sold_lines(start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """Order lines of orders placed in [start, end) that were not cancelled, with the order's
    totals and the product's category (0 when the product has been deleted)."""
    columns = [
        "order_id",
        "placed_at",
        "order_total_ore",
        "order_vat_ore",
        "product_id",
        "category_id",
        "quantity",
        "line_total_ore",
        "line_vat_ore",
    ]
    statement = (
        select(
            Order.id,
            _raw(Order.placed_at),
            Order.total_ore,
            Order.vat_ore,
            func.coalesce(OrderLine.product_id, 0),
            func.coalesce(Product.category_id, 0),
            OrderLine.quantity,
            OrderLine.line_total_ore,
            OrderLine.vat_ore,
        )
        .join(OrderLine, OrderLine.order_id == Order.id)
        .outerjoin(Product, Product.id == OrderLine.product_id)
        .where(Order.status != CANCELLED)
    )
    if start is not None:
        statement = statement.where(Order.placed_at >= start)
    if end is not None:
        statement = statement.where(Order.placed_at < end)
    return _frame(statement, columns, times=["placed_at"])


def consent_answers(start: datetime, end: datetime) -> pd.DataFrame:
    """The consent ledger's rows in [start, end): the purposes given and refused."""
    columns = ["granted", "refused"]
    statement = select(ConsentRecord.granted, ConsentRecord.refused).where(
        ConsentRecord.at >= start, ConsentRecord.at < end
    )
    return _frame(statement, columns)


def products(product_ids: Iterable[int]) -> pd.DataFrame:
    """product_id, title and category_id of the products that still exist."""
    ids = sorted({int(i) for i in product_ids if i})
    columns = ["product_id", "title", "category_id"]
    if not ids:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    statement = select(Product.id, Product.title, Product.category_id).where(Product.id.in_(ids))
    return _frame(statement, columns)


def category_names() -> dict[int, str]:
    return dict(db.session.execute(select(Category.id, Category.name)).all())
