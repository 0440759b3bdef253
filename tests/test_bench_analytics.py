"""The analytics benchmark's bulk data, at a tiny size: the shape the statistics expect."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.analytics_data import generate
from bench.run import parse_args
from bkm.clickstream.models import PageCount
from bkm.clock import to_oslo
from bkm.consent.models import ConsentRecord
from bkm.demo.listings import product_specs
from bkm.demo.seeding import seed_categories, seed_products
from bkm.orders.models import Order, OrderLine
from tests.clickstream.helpers import events

LAST_DAY = date(2026, 6, 30)


def test_a_tiny_year_has_exactly_the_events_asked_for_and_matching_orders(app, db, database_url):
    first_day = LAST_DAY - timedelta(days=364)
    arrived = datetime.combine(first_day, time(0), UTC) - timedelta(days=1)
    specs = [spec for spec in product_specs() if spec.is_active][:40]
    seed_products(specs, seed_categories().by_slug, Path(app.config["MEDIA_DIR"]), arrived)
    db.session.commit()

    summary = generate(database_url, 4000, seed=3, end=LAST_DAY, bulk=False)

    rows = events()
    assert summary.events == len(rows) == 4000
    assert {to_oslo(r.at).date() for r in rows} <= {first_day + timedelta(n) for n in range(365)}
    assert {r.device for r in rows} <= {"computer", "mobile", "tablet"}
    assert {"product_view", "time_on_page", "product_click"} <= {r.type for r in rows}
    visits = defaultdict(list)
    for row in rows:
        visits[row.visit_id].append(row.at)
    for moments in visits.values():  # the shop's visit rule: 30 idle minutes, Oslo midnight
        assert len({to_oslo(m).date() for m in moments}) == 1
        assert all(b - a < timedelta(minutes=30) for a, b in pairwise(sorted(moments)))
    counted = db.session.scalar(select(func.sum(PageCount.views)))
    assert counted == summary.counted_views > 0
    assert db.session.scalar(select(func.count()).where(PageCount.device == "bot")) > 0
    assert db.session.scalar(select(func.count()).select_from(ConsentRecord)) == (
        summary.consent_rows
    )
    orders = list(db.session.scalars(select(Order)))
    assert len(orders) == summary.orders > 0
    for order in orders:
        assert order.total_ore == sum(line.line_total_ore for line in order.lines) + (
            order.shipping_ore
        )
    bought = set(db.session.scalars(select(OrderLine.product_id)))
    assert {r.product_id for r in rows if r.type == "purchase"} <= bought
    assert any("generated and written in" in line for line in summary.lines())


def test_make_bench_runs_the_statistics_unless_told_not_to_and_checks_the_size():
    assert parse_args([]).no_analytics is False
    assert parse_args([]).analytics_events == 10_000_000
    assert parse_args(["--no-analytics"]).no_analytics is True
    assert parse_args(["--analytics-events", "20000"]).analytics_events == 20_000
    with pytest.raises(SystemExit):
        parse_args(["--analytics-events", "10"])
