"""A visit ends after 30 minutes without a page and at midnight Oslo time: recorded through
the shop's own recorder at chosen moments, then rolled up (README, "Statistics")."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
from sqlalchemy import select

from analytics.models import DayTotals, VisitFact
from analytics.rollup import rollup_all
from bkm.clock import to_oslo
from tests.analytics.raw import oslo
from tests.clickstream.helpers import COMPUTER_UA

DAY = date(2026, 3, 10)


@pytest.mark.req("R2.2")
def test_a_visit_ends_after_30_idle_minutes_and_at_oslo_midnight(client, db, monkeypatch):
    moment = [oslo(DAY, 10)]
    monkeypatch.setattr("bkm.clickstream.recording.utcnow", lambda: moment[0].astimezone(UTC))
    client.has_chosen("statistics")
    pages = [
        (oslo(DAY, 10, 0), "/"),
        (oslo(DAY, 10, 29), "/sok?q=stol"),  # 29 minutes later: the same visit
        (oslo(DAY, 11, 0), "/"),  # 31 minutes without a page: a new visit
        (oslo(DAY, 23, 50), "/"),  # a new visit
        (oslo(DAY + timedelta(days=1), 0, 5), "/"),  # 15 minutes later, but a new Oslo day
    ]
    for when, path in pages:
        moment[0] = when
        assert client.get(path, headers=COMPUTER_UA).status_code == 200

    rollup_all()

    visits = db.session.scalars(select(VisitFact).order_by(VisitFact.started_at)).all()
    assert [(v.day, to_oslo(v.started_at).hour, v.page_views, v.duration_s) for v in visits] == [
        (DAY, 10, 2, 29 * 60),
        (DAY, 11, 1, 0),
        (DAY, 23, 1, 0),
        (DAY + timedelta(days=1), 0, 1, 0),
    ]
    assert [(v.visit_number, v.days_since_previous) for v in visits] == [
        (1, None),
        (2, 0),
        (3, 0),
        (4, 1),
    ]
    assert db.session.get(DayTotals, DAY).visitors == 1
