"""Visits: a visit ends after 30 minutes without a page, and at midnight Oslo time.

The visit lives in the statistics cookie `bkm_okt` ("<visit id>.<unix time of the last
event>"), so every worker agrees on it without shared state. Only visitors with statistics
consent have it; the consent code expires it with the rest of that purpose.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bkm.clock import to_oslo

VISIT_COOKIE = "bkm_okt"
IDLE = timedelta(minutes=30)
# The cookie's "last seen" is renewed at most once a minute (not on every page or beacon), so
# the 30 idle minutes are measured to the minute.
STAMP = timedelta(minutes=1)


@dataclass(frozen=True)
class Visit:
    visit_id: str
    last_seen: datetime

    def cookie_value(self) -> str:
        return f"{self.visit_id}.{int(self.last_seen.timestamp())}"


def parse_visit(value: str | None) -> Visit | None:
    visit_id, _, stamp = (value or "").partition(".")
    if len(visit_id) != 32 or not visit_id.isalnum() or not stamp.isdigit() or len(stamp) > 12:
        return None
    return Visit(visit_id, datetime.fromtimestamp(int(stamp), UTC))


def new_visit_id() -> str:
    return secrets.token_hex(16)


def continue_visit(
    previous: Visit | None, now: datetime, new_id: Callable[[], str] = new_visit_id
) -> Visit:
    """The same visit if it was active within 30 minutes on the same Oslo day, else a new one
    (`new_id` names it: random here; the demo traffic passes a seeded one)."""
    if (
        previous is not None
        and timedelta(0) <= now - previous.last_seen < IDLE
        and to_oslo(previous.last_seen).date() == to_oslo(now).date()
    ):
        return Visit(previous.visit_id, now)
    return Visit(new_id(), now)


def needs_cookie(previous: Visit | None, visit: Visit) -> bool:
    """Whether the response must (re)set the visit cookie."""
    return (
        previous is None
        or previous.visit_id != visit.visit_id
        or visit.last_seen - previous.last_seen > STAMP
    )
