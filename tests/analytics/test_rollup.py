"""The rollup: idempotent day by day, months made of days, purging keeps the figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from analytics import reading
from analytics.models import (
    DAY,
    MONTH,
    DayTotals,
    FrequencyDay,
    PageDay,
    ProductDay,
    TransitionDay,
    VisitFact,
)
from analytics.periods import Period
from analytics.rollup import rollup_all, rollup_day, rollup_pending
from bkm.clickstream.models import ClickEvent
from bkm.clickstream.retention import purge_old_events
from bkm.clock import oslo_today
from bkm.extensions import db
from tests.analytics.handmade import DAY as HAND_MADE_DAY
from tests.analytics.handmade import hand_made_day, make_products
from tests.analytics.raw import event, oslo, visit_id

TOTALS = ("visits", "visitors", "page_views", "cookieless_views", "bounces", "duration_s")


def table_rows(model) -> list[tuple]:
    db.session.expire_all()
    columns = [c for c in model.__table__.columns if c.name != "id"]
    return sorted(db.session.execute(select(*columns)).all(), key=repr)


def totals() -> dict:
    row = db.session.execute(select(*(func.sum(getattr(DayTotals, name)) for name in TOTALS))).one()
    return dict(zip(TOTALS, row, strict=True))


def page_views_on(day: date, path: str, visitor: str = "c" * 32) -> None:
    visit = visit_id()
    for minute, page in enumerate([path, "/"]):
        event(oslo(day, 12, minute), "page_view", page, visit=visit, visitor=visitor)


def test_rolling_a_day_again_replaces_it_and_gives_the_same_rows(db):
    stol, bord = make_products()
    hand_made_day(stol, bord)
    rollup_day(HAND_MADE_DAY)
    first = {model: table_rows(model) for model in (VisitFact, PageDay, TransitionDay)}

    summary = rollup_day(HAND_MADE_DAY)

    assert summary.days == 1 and summary.visits == 3
    for model, rows in first.items():
        again = table_rows(model)
        assert len(again) == len(rows), model.__tablename__
    assert db.session.scalar(select(func.count()).select_from(VisitFact)) == 3


def test_a_day_rolled_again_after_more_events_has_them(db):
    day = date(2026, 2, 3)
    page_views_on(day, "/kategori/stoler")
    rollup_day(day)
    page_views_on(day, "/kategori/bord", visitor="d" * 32)

    rollup_day(day)

    assert db.session.get(DayTotals, day).visits == 2
    assert {path for (path,) in db.session.execute(select(PageDay.path)).all()} == {
        "/kategori/stoler",
        "/kategori/bord",
        "/",
    }


def test_each_month_row_is_the_sum_of_its_day_rows(db):
    for day in (date(2026, 1, 30), date(2026, 1, 31), date(2026, 2, 1)):
        page_views_on(day, "/kategori/stoler")
    rollup_all()

    def views(span, day):
        return db.session.scalar(
            select(func.sum(PageDay.views)).where(PageDay.span == span, PageDay.day == day)
        )

    assert views(MONTH, date(2026, 1, 1)) == 4
    assert views(MONTH, date(2026, 2, 1)) == 2
    january = Period(date(2026, 1, 1), date(2026, 1, 31))
    across = Period(date(2025, 12, 15), date(2026, 2, 10))  # months inside, days around them
    for period in (january, across):
        from_rows = reading.sums(PageDay, period, ["path"], ["views"])
        by_day = reading.sums(PageDay, period, ["path", "day"], ["views"])
        assert from_rows["views"].sum() == by_day["views"].sum() > 0


@pytest.mark.req("R6.1")
def test_purging_raw_events_does_not_change_the_rollups(db, app):
    today = oslo_today()
    old, recent = today - timedelta(days=200), today - timedelta(days=3)
    page_views_on(old, "/kategori/stoler")  # 12:00 and 12:01
    page_views_on(recent, "/kategori/bord")
    rollup_all()
    db.session.commit()
    before = totals(), table_rows(PageDay), table_rows(FrequencyDay)
    days = app.config["CLICKSTREAM_RETENTION_DAYS"]

    # The retention cutoff falls inside the old day: one of its two rows goes.
    assert purge_old_events(now=oslo(old, 12, 0, 30) + timedelta(days=days), days=days) == 1
    partly = rollup_all()
    assert partly.kept == [old]  # fewer raw rows than it was made from: left as it was
    assert purge_old_events(days=days) == 1
    rollup_pending()  # the nightly run
    assert (totals(), table_rows(PageDay), table_rows(FrequencyDay)) == before

    # Redoing every day recounts new and returning visits from the raw events still kept,
    # but no total changes.
    rollup_all()
    assert (totals(), table_rows(PageDay)) == before[:2]
    assert db.session.get(DayTotals, old).raw_events == 2
    assert sum(row[-1] for row in table_rows(FrequencyDay)) == totals()["visits"]


def test_the_nightly_run_rolls_finished_days_only_and_never_today(db):
    today = oslo_today()
    for day in (today - timedelta(days=2), today - timedelta(days=1), today):
        page_views_on(day, "/kategori/stoler")

    summary = rollup_pending(today)

    rolled = set(db.session.scalars(select(DayTotals.day)))
    assert rolled == {today - timedelta(days=2), today - timedelta(days=1)}
    assert summary.days == 2
    assert rollup_pending(today).days == 0  # nothing left to do


def test_a_visit_is_counted_on_its_oslo_day(db):
    # 23:30 UTC on 31 March is 01:30 on 1 April in Oslo (summer time).
    day = date(2026, 4, 1)
    event(oslo(day, 1, 30), "page_view", "/", visit=visit_id(), visitor="e" * 32)
    rollup_all()

    assert [row.day for row in db.session.scalars(select(DayTotals))] == [day]


def test_a_withdrawn_visitor_still_counts_as_a_visit_but_not_as_new_or_returning(db):
    day = date(2026, 2, 4)
    event(oslo(day, 9), "page_view", "/", visit=visit_id(), visitor="")
    rollup_day(day)

    fact = db.session.scalar(select(VisitFact))
    assert (fact.visit_number, fact.days_since_previous) == (None, None)
    assert table_rows(FrequencyDay) == [(day, 0, -1, 1)]
    assert db.session.get(DayTotals, day).visitors == 0


def test_returning_visitors_are_found_in_earlier_days_raw_events(db):
    first, later = date(2026, 2, 2), date(2026, 2, 12)
    for day in (first, later):
        page_views_on(day, "/", visitor="f" * 32)
    rollup_day(later)  # alone: the earlier visit is looked up in the raw events

    fact = db.session.scalar(select(VisitFact).where(VisitFact.day == later))
    assert (fact.visit_number, fact.days_since_previous) == (2, 10)


@pytest.mark.req("R2.2")
def test_product_views_and_clicks_are_counted_per_product(db):
    day = date(2026, 2, 5)
    visit = visit_id()
    event(oslo(day, 9), "category_view", "/kategori/stoler", visit=visit, visitor="g" * 32)
    event(
        oslo(day, 9, 1),
        "product_click",
        "/kategori/stoler",
        visit=visit,
        visitor="g" * 32,
        product_id=7,
    )
    event(
        oslo(day, 9, 1),
        "product_view",
        "/produkt/x",
        visit=visit,
        visitor="g" * 32,
        product_id=7,
        category_id=3,
    )
    rollup_day(day)

    assert table_rows(ProductDay) == [  # views, cookieless views, clicks, added to cart
        (DAY, day, 7, 1, 0, 1, 0),
        (MONTH, date(2026, 2, 1), 7, 1, 0, 1, 0),
    ]
    assert db.session.scalar(select(func.count()).select_from(ClickEvent)) == 3
