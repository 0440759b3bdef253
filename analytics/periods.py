"""Date ranges in Oslo days: the presets, custom ranges, and the period each is compared with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bkm.clock import OSLO

PRESETS = {  # key in ?periode=…: (label, days)
    "7d": ("Siste 7 dager", 7),
    "30d": ("Siste 30 dager", 30),
    "90d": ("Siste 90 dager", 90),
    "12m": ("Siste 12 måneder", None),
}
DEFAULT_PRESET = "30d"
CUSTOM = "egen"
MAX_DAYS = 3 * 366  # a custom range longer than this says more as several
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    preset: str = CUSTOM

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The same number of days just before: what every figure is compared with."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, self.preset)

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


def preset_period(key: str, today: date) -> Period:
    _label, days = PRESETS[key]
    if days is None:  # 12 months: from the same date a year ago, the day after
        start = _one_year_before(today) + timedelta(days=1)
        return Period(start, today, key)
    return Period(today - timedelta(days=days - 1), today, key)


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def oslo_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants an Oslo day starts and ends (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time(0), OSLO).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), OSLO).astimezone(UTC)
    return start, end


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_by_month(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """Whole calendar months inside [start, end] (their 1st), and the day ranges around them."""
    months: list[date] = []
    first = start if start.day == 1 else next_month(start)
    cursor = first
    while next_month(cursor) - timedelta(days=1) <= end:
        months.append(cursor)
        cursor = next_month(cursor)
    if not months:
        return [], [(start, end)]
    ranges = []
    if start < months[0]:
        ranges.append((start, months[0] - timedelta(days=1)))
    if cursor <= end:
        ranges.append((cursor, end))
    return months, ranges
