"""The clickstream's tables: anonymous by construction (R2.2, R6.2).

No column holds a customer id, name, e-mail or full IP address, and no foreign key leads to a
person (tests/clickstream/test_anonymity.py inspects the metadata). Product and category ids
are plain numbers, not foreign keys, so the clickstream never blocks catalogue changes.

- `click_events`: one row per event of a visitor with statistics consent: a random visitor id
  (their cookie, R3.11) and a visit id, kept CLICKSTREAM_RETENTION_DAYS, then purged.
- `click_page_counts`: what the server saw of visitors without that consent, counted per day
  and kind of page: no visitor id, no visit id, no IP. Bots are counted here, apart.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db

EVENT_TYPES = (
    "page_view",
    "product_view",
    "category_view",
    "search",
    "add_to_cart",
    "checkout_step",
    "purchase",
    "product_click",  # from the script: a product chosen on a listing
    "time_on_page",  # from the script: the page was left after duration_ms
)
DEVICE_CLASSES = ("mobile", "tablet", "computer", "bot")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# BIGINT on PostgreSQL, but SQLite only auto-increments an INTEGER PRIMARY KEY.
EventId = BigInteger().with_variant(Integer(), "sqlite")


class ClickEvent(db.Model):
    __tablename__ = "click_events"
    __table_args__ = (
        CheckConstraint(_in("type", EVENT_TYPES), name="type"),
        CheckConstraint(_in("device", DEVICE_CLASSES), name="device"),
        Index("ix_click_events_visitor_at", "visitor_id", "at"),
    )

    id: Mapped[int] = mapped_column(EventId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    type: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(300))
    page_type: Mapped[str] = mapped_column(String(20), default="")
    product_id: Mapped[int | None]
    category_id: Mapped[int | None]
    search_query: Mapped[str] = mapped_column(String(100), default="")
    checkout_step: Mapped[str] = mapped_column(String(20), default="")
    duration_ms: Mapped[int | None]
    referrer_host: Mapped[str] = mapped_column(String(100), default="")
    utm_source: Mapped[str] = mapped_column(String(100), default="")
    utm_medium: Mapped[str] = mapped_column(String(100), default="")
    utm_campaign: Mapped[str] = mapped_column(String(100), default="")
    device: Mapped[str] = mapped_column(String(10))
    os: Mapped[str] = mapped_column(String(40), default="")
    browser: Mapped[str] = mapped_column(String(40), default="")
    ip_prefix: Mapped[str] = mapped_column(String(45))  # truncated: /16 or /48
    visitor_id: Mapped[str] = mapped_column(String(32))
    visit_id: Mapped[str] = mapped_column(String(32), index=True)


class PageCount(db.Model):
    """Cookieless counts: the visitors who gave no statistics consent, and bots."""

    __tablename__ = "click_page_counts"
    __table_args__ = (
        UniqueConstraint(
            "day", "path", "page_type", "product_id", "category_id", "device", "referrer_host"
        ),
        CheckConstraint(_in("device", DEVICE_CLASSES), name="device"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # Europe/Oslo
    path: Mapped[str] = mapped_column(String(300))
    page_type: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[int] = mapped_column(default=0)  # 0: none (NULLs defeat the upsert)
    category_id: Mapped[int] = mapped_column(default=0)
    device: Mapped[str] = mapped_column(String(10))
    referrer_host: Mapped[str] = mapped_column(String(100), default="")
    views: Mapped[int] = mapped_column(default=0)
