"""Demo traffic: a generated week looks like a shop's week, and is stored as the shop stores it."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bkm.catalog.models import Category, Product
from bkm.clickstream.devices import classify
from bkm.clickstream.models import ClickEvent, PageCount
from bkm.clock import OSLO, to_oslo
from bkm.consent.models import ConsentRecord
from bkm.consent.policy import forget_snapshot
from bkm.consent.registry import VISITOR_COOKIE
from bkm.demo.listings import product_specs
from bkm.demo.seeding import seed_categories, seed_products
from bkm.demo.traffic import DemoTrafficError, generate_traffic
from bkm.demo.traffic_visits import Browser, Page, Recorder, description
from bkm.orders.models import Order
from tests.clickstream.helpers import COMPUTER_UA, events
from tests.consent.helpers import choose

WEEK_END = date(2026, 3, 8)  # Monday 2 to Sunday 8 March 2026: no holiday
WEEK_DAYS = [WEEK_END - timedelta(days=n) for n in range(6, -1, -1)]
CATALOGUE_SIZE = 60
PAGE_VIEW_TYPES = ("page_view", "product_view", "category_view", "search")


def seed_catalogue(db, app) -> list[Product]:
    """Part of the demo catalogue, all of it arrived before the week."""
    categories = seed_categories().by_slug
    before = datetime.combine(WEEK_DAYS[0], time(0), UTC) - timedelta(days=1)
    specs = [spec for spec in product_specs() if spec.is_active][:CATALOGUE_SIZE]
    seed_products(specs, categories, Path(app.config["MEDIA_DIR"]), before)
    db.session.commit()
    return list(db.session.scalars(select(Product)))


@pytest.fixture
def week(db, app):
    """A demo week of 150 visits a day, committed as the CLI commits it."""
    seed_catalogue(db, app)
    summary = generate_traffic(7, 150, seed=7, end=WEEK_END)
    db.session.commit()
    return summary


def oslo_day(moment: datetime) -> date:
    return to_oslo(moment).date()


def human_views_per_day(db) -> Counter:
    views: Counter = Counter()
    for row in events():
        if row.type in PAGE_VIEW_TYPES:
            views[oslo_day(row.at)] += 1
    for count in db.session.scalars(select(PageCount).where(PageCount.device != "bot")):
        views[count.day] += count.views
    return views


def test_a_generated_week_is_busier_on_working_days_than_at_the_weekend(week, db):
    views = human_views_per_day(db)
    assert set(views) == set(WEEK_DAYS)
    working = sum(views[day] for day in WEEK_DAYS[:5]) / 5
    weekend = sum(views[day] for day in WEEK_DAYS[5:]) / 2
    assert working > 1.3 * weekend
    assert week.page_views == sum(views.values())


def test_visits_are_busiest_in_office_hours_on_working_days(week):
    hours = Counter(to_oslo(r.at).hour for r in events() if oslo_day(r.at) in WEEK_DAYS[:5])
    assert sum(hours[h] for h in range(9, 15)) > 8 * sum(hours[h] for h in range(1, 6))


def test_about_six_in_ten_banner_answers_allow_statistics_and_the_rest_are_only_counted(week, db):
    ledger = list(db.session.scalars(select(ConsentRecord)))
    assert len(ledger) == week.consent_answers
    answers = [row for row in ledger if row.channel == "banner"]
    assert len(answers) > 300
    assert {row.action for row in ledger if row.channel == "settings"} <= {"withdraw"}
    allowing = [a for a in answers if "statistics" in a.granted_purposes]
    assert 0.55 <= len(allowing) / len(answers) <= 0.75
    assert {a.action for a in answers} >= {"accept", "reject", "custom"}
    assert all(a.user_id is None and a.policy_version == 1 for a in answers)
    # Every visitor id in the events came from an answer that allowed statistics; everyone
    # else (refusers, no answer yet, GPC) is in the cookieless counts.
    visitor_ids = {r.visitor_id for r in events()} - {""}
    assert 0 < len(visitor_ids) <= len(allowing)
    assert week.counted_views > 0.25 * week.page_views


def test_returning_visitors_keep_their_visitor_id_over_several_days(week):
    days_by_visitor = defaultdict(set)
    visits_by_visitor = defaultdict(set)
    for row in events():
        if row.visitor_id:
            days_by_visitor[row.visitor_id].add(oslo_day(row.at))
            visits_by_visitor[row.visitor_id].add(row.visit_id)
    returning = [v for v, days in days_by_visitor.items() if len(days) > 1]
    assert len(returning) >= 10
    assert all(len(visits_by_visitor[v]) >= 2 for v in returning)


def test_a_visit_ends_after_thirty_idle_minutes_and_at_oslo_midnight(week):
    by_visit = defaultdict(list)
    for row in events():
        by_visit[row.visit_id].append(row.at)
    assert len(by_visit) > 300
    for moments in by_visit.values():
        moments.sort()
        assert len({oslo_day(m) for m in moments}) == 1
        assert all(b - a < timedelta(minutes=30) for a, b in pairwise(moments))


def test_bots_are_only_counted_apart_as_device_bot(week, db):
    bot_views = db.session.scalar(
        select(func.sum(PageCount.views)).where(PageCount.device == "bot")
    )
    assert bot_views == week.bot_views > 0
    assert not [r for r in events() if r.device == "bot"]


def test_devices_referrers_searches_and_journeys_are_the_shops_kinds(week):
    rows = events()
    assert {r.device for r in rows} == {"computer", "mobile", "tablet"}
    assert {"iOS", "Windows", "Android", "Mac OS X"} <= {r.os for r in rows}
    assert {"www.google.com", "www.finn.no"} <= {r.referrer_host for r in rows}
    assert any(r.utm_campaign == "varsalg-kontor" for r in rows)  # the spring campaign runs
    assert [r for r in rows if r.type == "search" and r.search_query]
    types = Counter(r.type for r in rows)
    assert types["product_view"] > types["add_to_cart"] > types["purchase"] > 0
    assert types["time_on_page"] > 0 and types["product_click"] > 0
    # Time on page is what the script measured, never more than the page stayed open.
    assert all(0 < r.duration_ms <= 25 * 60 * 1000 for r in rows if r.type == "time_on_page")


def test_orders_are_placed_by_the_shop_at_the_moments_the_visits_bought(week, db):
    orders = list(db.session.scalars(select(Order)))
    assert len(orders) == week.orders > 0
    assert sum(o.total_ore for o in orders) == week.revenue_ore
    first = datetime.combine(WEEK_DAYS[0], time(0), OSLO)
    for order in orders:
        assert first <= order.placed_at < first + timedelta(days=7)
        assert order.number == f"BKM-{100_000 + order.id}"
        assert order.customer.created_at <= order.placed_at
        for line in order.lines:
            assert line.product.stock_quantity == 0  # each item sells once
            assert line.product.created_at < order.placed_at  # bought in before it sold
    assert {o.status for o in orders} & {"shipped", "picked_up"}  # staff handed them over
    purchased = {r.product_id for r in events() if r.type == "purchase"}
    assert purchased <= {line.product_id for o in orders for line in o.lines}


def test_the_catalogue_for_sale_is_left_for_sale(db, app):
    stock_before = {p.sku: p.stock_quantity for p in seed_catalogue(db, app)}
    summary = generate_traffic(7, 150, seed=3, end=WEEK_END)
    db.session.commit()
    db.session.expire_all()
    stock_after = {p.sku: p.stock_quantity for p in db.session.scalars(select(Product))}
    assert {sku: stock_after[sku] for sku in stock_before} == stock_before
    assert len(stock_after) == len(stock_before) + summary.items_bought_in


def test_no_clickstream_row_holds_a_customers_details_or_a_full_address(week, db):
    orders = list(db.session.scalars(select(Order)))
    personal = {o.email for o in orders} | {o.name for o in orders} | {o.phone for o in orders}
    personal |= {o.street for o in orders} | {o.number for o in orders}
    texts = set()
    for row in events():
        texts |= {row.path, row.search_query, row.referrer_host, row.utm_campaign}
        texts |= {row.visitor_id, row.visit_id}
        assert row.ip_prefix.endswith((".0.0", "::")), row.ip_prefix
    for count in db.session.scalars(select(PageCount)):
        texts |= {count.path, count.referrer_host}
    assert not [t for t in texts for p in personal if p and p in t]


def test_a_product_view_is_stored_exactly_as_the_live_shop_stores_it(db, app, client):
    product = seed_catalogue(db, app)[0]
    choose(client, "godta-alle")
    client.get(f"/produkt/{product.slug}", headers=COMPUTER_UA)
    live = next(r for r in events() if r.type == "product_view")
    browser = Browser(
        classify(COMPUTER_UA["User-Agent"]), live.ip_prefix, "accept_all", False, True
    )
    browser.visitor_id = client.get_cookie(VISITOR_COOKIE).value
    recorder = Recorder(random.Random(1), lambda *a: None, lambda *a: None)
    page = Page(
        live.path, description("product", product_id=product.id, category_id=product.category_id)
    )
    recorder.request(browser, live.at, page)
    (demo,) = recorder.events
    columns = [c.name for c in ClickEvent.__table__.columns if c.name not in ("id", "visit_id")]
    assert {c: demo[c] for c in columns} == {c: getattr(live, c) for c in columns}


def snapshot_of_everything(db) -> dict:
    """The week's rows without database ids (sequences differ between runs on PostgreSQL)."""
    db.session.expire_all()
    sku = {p.id: p.sku for p in db.session.scalars(select(Product))}
    slug = {c.id: c.slug for c in db.session.scalars(select(Category))}
    columns = [c.name for c in ClickEvent.__table__.columns if not c.name.endswith("id")]
    ids = ("visitor_id", "visit_id")  # random ids the seed decides: they must repeat too
    rows = [
        (*(getattr(r, c) for c in (*columns, *ids)), sku.get(r.product_id), slug.get(r.category_id))
        for r in events()
    ]
    counts = sorted(
        (c.day, c.path, c.device, c.referrer_host, c.views)
        for c in db.session.scalars(select(PageCount))
    )
    ledger = [
        (r.consent_id, r.action, r.granted, r.channel, r.at)
        for r in db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.at))
    ]
    orders = [
        (o.placed_at, o.email, o.total_ore, o.status, tuple(sorted(line.sku for line in o.lines)))
        for o in db.session.scalars(select(Order).order_by(Order.placed_at))
    ]
    return {"events": rows, "counts": counts, "ledger": ledger, "orders": orders}


def wipe(db) -> None:
    """Every row away, as after a test, so the next generation starts on the same shop."""
    db.session.remove()
    forget_snapshot()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def test_the_same_seed_gives_the_same_traffic_and_another_seed_other_traffic(db, app):
    seed_catalogue(db, app)
    generate_traffic(2, 120, seed=5, end=WEEK_END)
    db.session.commit()
    first = snapshot_of_everything(db)
    wipe(db)
    seed_catalogue(db, app)
    generate_traffic(2, 120, seed=5, end=WEEK_END)
    db.session.commit()
    assert snapshot_of_everything(db) == first
    assert first["events"] and first["ledger"] and first["counts"]
    wipe(db)
    seed_catalogue(db, app)
    generate_traffic(2, 120, seed=6, end=WEEK_END)
    db.session.commit()
    assert snapshot_of_everything(db)["events"] != first["events"]


def test_progress_is_told_after_each_day_and_the_summary_is_norwegian(db, app):
    seed_catalogue(db, app)
    told = []
    summary = generate_traffic(3, 40, seed=2, end=WEEK_END, progress=told.append)
    assert told == [1, 1, 1]
    text = str(summary)
    assert text.startswith("Demotrafikk for 3 dager (06.03.2026–08.03.2026)")
    assert "besøk" in text and "sidevisninger" in text and "ordrer for kr" in text


def test_without_the_demo_catalogue_it_asks_for_the_seed_and_stores_nothing(db):
    with pytest.raises(DemoTrafficError, match="bkm seed"):
        generate_traffic(7, 100, end=WEEK_END)
    db.session.rollback()
    assert events() == []
