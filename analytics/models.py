"""The statistics' own tables (`analytics_*`): rollups of the clickstream, orders and consent.

Nothing here leads to a person: no visitor id, no customer id, no IP (bkm/privacy/data_map.py
declares the prefix not personal). Dashboards read these tables only, never raw events.

- Day tables hold one Oslo day each, keyed by what a dashboard breaks figures down by; a
  rollup of a day replaces its rows (analytics/rollup.py).
- The four big ones (pages, products, transitions, durations) also hold one row per month
  (`span` = "month", `day` = the 1st), summed from their day rows, so a 12-month dashboard
  adds up ~12 rows per key instead of ~365.
- `analytics_visits` is one row per finished visit, the facts the day tables are built from.
- `analytics_visitor_sketches` holds a HyperLogLog sketch of each day's visitor ids: distinct
  visitors cannot be added up across days, sketches can be merged (analytics/sketch.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from bkm.database import UTCDateTime
from bkm.extensions import db

DAY, MONTH = "day", "month"
VisitId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite only auto-increments INTEGER
Count = BigInteger  # a year of a busy shop's milliseconds overflows 32 bits


class DayTotals(db.Model):
    """One row per rolled-up day: the visit totals, and when and from how much it was made."""

    __tablename__ = "analytics_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    visits: Mapped[int] = mapped_column(default=0)
    visitors: Mapped[int] = mapped_column(default=0)  # exact for the day
    page_views: Mapped[int] = mapped_column(default=0)  # with statistics consent
    cookieless_views: Mapped[int] = mapped_column(default=0)  # without it (bots not included)
    bot_views: Mapped[int] = mapped_column(default=0)
    bounces: Mapped[int] = mapped_column(default=0)
    duration_s: Mapped[int] = mapped_column(Count, default=0)  # summed over the day's visits
    raw_events: Mapped[int] = mapped_column(default=0)  # raw rows read: 0 after a purge
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VisitorSketch(db.Model):
    __tablename__ = "analytics_visitor_sketches"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    registers: Mapped[bytes] = mapped_column(LargeBinary)


class VisitFact(db.Model):
    """A finished visit. `visit_number` and `days_since_previous` are None when the visitor
    id was blanked by a withdrawal (then nobody can tell which visit it was)."""

    __tablename__ = "analytics_visits"

    id: Mapped[int] = mapped_column(VisitId, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    entry_path: Mapped[str] = mapped_column(String(300))
    exit_path: Mapped[str] = mapped_column(String(300))
    page_views: Mapped[int]
    duration_s: Mapped[int]
    is_bounce: Mapped[bool]
    device: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))  # direct, search, referral, campaign
    source: Mapped[str] = mapped_column(String(100))
    purchased: Mapped[bool]
    visit_number: Mapped[int | None]
    days_since_previous: Mapped[int | None]


class DurationDay(db.Model):
    """Visits per duration bucket (analytics/visits.py): medians over any period."""

    __tablename__ = "analytics_duration_days"

    span: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    bucket_s: Mapped[int] = mapped_column(primary_key=True)
    visits: Mapped[int]


class PageDay(db.Model):
    __tablename__ = "analytics_page_days"

    span: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    page_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
    cookieless_views: Mapped[int] = mapped_column(default=0)
    entries: Mapped[int] = mapped_column(default=0)
    exits: Mapped[int] = mapped_column(default=0)
    bounces: Mapped[int] = mapped_column(default=0)  # one-page visits that entered here
    time_ms: Mapped[int] = mapped_column(Count, default=0)
    timed_views: Mapped[int] = mapped_column(default=0)  # views whose time on page is known


class ProductDay(db.Model):
    __tablename__ = "analytics_product_days"

    span: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[int] = mapped_column(primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
    cookieless_views: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)  # chosen on a listing (the script)
    added_to_cart: Mapped[int] = mapped_column(default=0)


class TransitionDay(db.Model):
    """Product pages viewed one after another in a visit (R2.2)."""

    __tablename__ = "analytics_transition_days"

    span: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    from_product_id: Mapped[int] = mapped_column(primary_key=True)
    to_product_id: Mapped[int] = mapped_column(primary_key=True)
    transitions: Mapped[int]


class ProductSalesDay(db.Model):
    """From orders (never the clickstream); product 0 is a product since deleted."""

    __tablename__ = "analytics_product_sales"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(default=0)
    orders: Mapped[int]
    units: Mapped[int]
    revenue_ore: Mapped[int] = mapped_column(Count)  # incl. MVA
    net_ore: Mapped[int] = mapped_column(Count)  # without MVA


class OrderHour(db.Model):
    """Orders placed per Oslo hour, cancelled ones left out; totals incl. shipping."""

    __tablename__ = "analytics_order_hours"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    orders: Mapped[int]
    units: Mapped[int]
    revenue_ore: Mapped[int] = mapped_column(Count)
    net_ore: Mapped[int] = mapped_column(Count)


class SourceDay(db.Model):
    __tablename__ = "analytics_source_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(100), primary_key=True)
    visits: Mapped[int] = mapped_column(default=0)
    bounces: Mapped[int] = mapped_column(default=0)
    page_views: Mapped[int] = mapped_column(default=0)
    purchases: Mapped[int] = mapped_column(default=0)  # visits that ended in an order
    cookieless_arrivals: Mapped[int] = mapped_column(default=0)  # pages reached from the source


class DeviceDay(db.Model):
    __tablename__ = "analytics_device_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    device: Mapped[str] = mapped_column(String(10), primary_key=True)
    os: Mapped[str] = mapped_column(String(40), primary_key=True)
    browser: Mapped[str] = mapped_column(String(40), primary_key=True)
    visits: Mapped[int] = mapped_column(default=0)
    page_views: Mapped[int] = mapped_column(default=0)
    bounces: Mapped[int] = mapped_column(default=0)
    duration_s: Mapped[int] = mapped_column(Count, default=0)
    time_ms: Mapped[int] = mapped_column(Count, default=0)
    timed_views: Mapped[int] = mapped_column(default=0)
    cookieless_views: Mapped[int] = mapped_column(default=0)  # device class only: os, browser ""


class FrequencyDay(db.Model):
    """Visits by which visit of its visitor it was and the days since the one before.

    visit_number 0: unknown (visitor id withdrawn); 5 means 5 or more. days_since -1: a first
    visit or unknown; else the lower bound of a bucket (analytics/visits.py)."""

    __tablename__ = "analytics_frequency_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    visit_number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    days_since: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    visits: Mapped[int]


class ConsentDay(db.Model):
    """Answers in the consent ledger per purpose: how many gave it, how many refused it."""

    __tablename__ = "analytics_consent_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    granted: Mapped[int]
    refused: Mapped[int]
