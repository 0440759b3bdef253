"""Date ranges: presets, the previous period, Oslo days in UTC, whole months inside a range."""

from __future__ import annotations

from datetime import UTC, date, datetime

from analytics.periods import Period, oslo_day_bounds, preset_period, split_by_month

TODAY = date(2026, 11, 25)


def test_presets_end_today_and_the_previous_period_is_as_long_just_before():
    week = preset_period("7d", TODAY)
    assert (week.start, week.end, week.days) == (date(2026, 11, 19), TODAY, 7)
    assert (week.previous().start, week.previous().end) == (date(2026, 11, 12), date(2026, 11, 18))
    assert preset_period("30d", TODAY).days == 30 and preset_period("90d", TODAY).days == 90
    year = preset_period("12m", TODAY)
    assert (year.start, year.days) == (date(2025, 11, 26), 365)
    assert year.previous().end == date(2025, 11, 25)


def test_twelve_months_from_a_leap_day():
    assert preset_period("12m", date(2028, 2, 29)).start == date(2027, 3, 1)


def test_an_oslo_day_is_23_or_25_hours_when_the_clocks_change():
    start, end = oslo_day_bounds(date(2026, 3, 29))
    assert (start, end) == (
        datetime(2026, 3, 28, 23, tzinfo=UTC),
        datetime(2026, 3, 29, 22, tzinfo=UTC),
    )
    start, end = oslo_day_bounds(date(2026, 10, 25))
    assert (end - start).total_seconds() == 25 * 3600


def test_whole_months_inside_a_range_and_the_days_around_them():
    months, ranges = split_by_month(date(2025, 12, 15), date(2026, 3, 10))
    assert months == [date(2026, 1, 1), date(2026, 2, 1)]
    assert ranges == [
        (date(2025, 12, 15), date(2025, 12, 31)),
        (date(2026, 3, 1), date(2026, 3, 10)),
    ]
    assert split_by_month(date(2026, 1, 1), date(2026, 1, 31)) == ([date(2026, 1, 1)], [])
    assert split_by_month(date(2026, 1, 2), date(2026, 1, 31)) == (
        [],
        [(date(2026, 1, 2), date(2026, 1, 31))],
    )


def test_a_custom_period_has_a_readable_label():
    assert Period(date(2026, 3, 1), date(2026, 3, 10)).label == "01.03.2026–10.03.2026"
