from datetime import UTC, datetime, timedelta

import pytest

from bkm.catalog.pricing import before_price_ore, price_display, set_price
from bkm.clock import utcnow
from tests.factories import make_product

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_before_price_none_when_price_never_changed():
    assert before_price_ore([(days_ago(60), 200_000)], NOW) is None


def test_before_price_is_previous_price_after_a_reduction():
    history = [(days_ago(90), 200_000), (days_ago(2), 150_000)]
    assert before_price_ore(history, NOW) == 200_000


def test_before_price_is_lowest_of_the_30_days_before_the_reduction():
    # 2000 for long, briefly 1700 within the window, back to 2000, then down to 1500.
    history = [
        (days_ago(100), 200_000),
        (days_ago(20), 170_000),
        (days_ago(10), 200_000),
        (days_ago(1), 150_000),
    ]
    assert before_price_ore(history, NOW) == 170_000


def test_before_price_ignores_prices_older_than_the_window():
    # 1200 ended 40 days before the reduction: it is outside the 30-day window.
    history = [
        (days_ago(80), 120_000),
        (days_ago(41), 200_000),
        (days_ago(1), 150_000),
    ]
    assert before_price_ore(history, NOW) == 200_000


def test_price_raised_after_a_temporary_discount_shows_no_before_price():
    history = [(days_ago(60), 200_000), (days_ago(20), 150_000), (days_ago(1), 180_000)]
    assert before_price_ore(history, NOW) is None


def test_reduction_not_below_the_windows_lowest_price_shows_no_before_price():
    # A short 1400 campaign sits inside the window: 1500 now is no reduction against it.
    history = [
        (days_ago(60), 200_000),
        (days_ago(10), 140_000),
        (days_ago(5), 200_000),
        (days_ago(1), 150_000),
    ]
    assert before_price_ore(history, NOW) is None


def test_future_price_change_is_not_yet_in_effect():
    history = [(days_ago(60), 200_000), (NOW + timedelta(days=1), 150_000)]
    assert before_price_ore(history, NOW) is None


def test_set_price_records_history_and_skips_unchanged_price(db):
    product = make_product(price_ore=200_000, at=days_ago(60))
    set_price(product, 200_000, at=days_ago(30))
    set_price(product, 150_000, at=days_ago(1))
    db.session.commit()
    assert [c.price_ore for c in product.price_changes] == [200_000, 150_000]
    display = price_display(product, NOW)
    assert (display.price_ore, display.before_ore, display.saving_ore) == (150_000, 200_000, 50_000)


def test_set_price_refuses_negative_price(db):
    product = make_product()
    with pytest.raises(ValueError):
        set_price(product, -1)


def test_set_price_refuses_future_and_out_of_order_changes(db):
    product = make_product(price_ore=200_000, at=utcnow() - timedelta(days=10))
    with pytest.raises(ValueError, match="future"):
        set_price(product, 150_000, at=utcnow() + timedelta(hours=1))
    with pytest.raises(ValueError, match="before the last"):
        set_price(product, 150_000, at=utcnow() - timedelta(days=20))
    assert product.price_ore == 200_000
