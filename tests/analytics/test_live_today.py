"""Today is computed live from today's raw rows and never written to the rollup tables."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from sqlalchemy import func, select

from analytics import reading
from analytics.dashboards import build
from analytics.models import DayTotals, VisitFact
from analytics.periods import preset_period
from analytics.rollup import rollup_pending
from bkm.clock import oslo_today, utcnow
from bkm.extensions import db
from tests.analytics.raw import event, oslo, visit_id


def kpis(dashboard) -> dict:
    return {kpi.key: kpi.value for kpi in dashboard.kpis}


def test_todays_visits_are_in_the_figures_without_a_rollup(client, login_as, manager):
    now, visitor = utcnow(), "1" * 32
    visit = visit_id()
    event(now - timedelta(minutes=2), "page_view", "/", visit=visit, visitor=visitor)
    event(now - timedelta(minutes=1), "page_view", "/sok", visit=visit, visitor=visitor)
    yesterday = oslo_today() - timedelta(days=1)
    event(oslo(yesterday, 12), "page_view", "/", visit=visit_id(), visitor=visitor)
    rollup_pending()
    db.session.commit()

    figures = kpis(build("overview", preset_period("7d", oslo_today())))

    assert (figures["visits"], figures["page_views"], figures["visitors"]) == (2, 3, 1)
    assert set(db.session.scalars(select(DayTotals.day))) == {yesterday}
    login_as(manager)
    assert client.get("/statistikk/?periode=7d").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(VisitFact)) == 1  # yesterday's


def test_a_worker_reuses_todays_figures_for_a_while(app, monkeypatch):
    monkeypatch.setitem(app.config, "ANALYTICS_LIVE_SECONDS", 60)
    first = reading.live_day(oslo_today())
    event(utcnow(), "page_view", "/", visit=visit_id(), visitor="2" * 32)
    db.session.flush()

    g.pop("analytics_live", None)  # a new request
    assert reading.live_day(oslo_today()) is first
    reading.forget_live()  # as if the minute had passed
    g.pop("analytics_live", None)
    assert reading.live_day(oslo_today()).rollup.totals["visits"] == 1
