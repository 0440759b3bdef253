"""The shop's clock: aware UTC in the database, Europe/Oslo for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_oslo(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime; the shop only handles aware times")
    return moment.astimezone(OSLO)


def oslo_today() -> date:
    """Today's date in Norway: deadlines and document dates follow the Oslo calendar."""
    return to_oslo(utcnow()).date()
