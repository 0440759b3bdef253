"""Raw clickstream rows for the statistics tests, written straight into the shop's tables."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time

from bkm.clickstream.models import ClickEvent, PageCount
from bkm.clock import OSLO
from bkm.extensions import db

_ids = itertools.count(1)
PAGE_TYPES = {"page_view": "", "product_view": "product", "category_view": "category"}
COMPUTER = ("computer", "Linux", "Firefox")
MOBILE = ("mobile", "iOS", "Mobile Safari")


def oslo(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """An Oslo wall-clock time as the aware datetime the database stores."""
    return datetime.combine(day, time(hour, minute, second), OSLO)


def visit_id() -> str:
    return f"{next(_ids):032x}"


def event(
    at: datetime,
    kind: str,
    path: str,
    *,
    visit: str,
    visitor: str,
    device: tuple[str, str, str] = COMPUTER,
    **fields,
) -> ClickEvent:
    page_type = fields.pop("page_type", PAGE_TYPES.get(kind, ""))
    if path == "/" and kind == "page_view":
        page_type = "front"
    row = ClickEvent(
        at=at,
        type=kind,
        path=path,
        page_type=page_type,
        device=device[0],
        os=device[1],
        browser=device[2],
        ip_prefix="192.0.0.0",
        visitor_id=visitor,
        visit_id=visit,
        **fields,
    )
    db.session.add(row)
    return row


def count(day: date, path: str, page_type: str, views: int, device: str = "computer", **fields):
    row = PageCount(day=day, path=path, page_type=page_type, device=device, views=views, **fields)
    db.session.add(row)
    return row
