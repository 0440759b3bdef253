"""A long rollup reads its days in worker processes: the same rows as reading in-process."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from analytics.models import DayTotals, FrequencyDay, PageDay, TransitionDay, VisitFact
from analytics.rollup import DAY_TABLES, rollup_days
from analytics.workers import PARALLEL_FROM_DAYS
from bkm.extensions import db
from tests.analytics.raw import event, oslo, visit_id

FIRST = date(2026, 1, 5)
DAYS = [FIRST + timedelta(days=n) for n in range(PARALLEL_FROM_DAYS)]
SNAPSHOT = (DayTotals, VisitFact, PageDay, TransitionDay, FrequencyDay)


def snapshot() -> dict:
    db.session.expire_all()
    rows = {}
    for model in SNAPSHOT:
        columns = [c for c in model.__table__.columns if c.name not in ("id", "rolled_at")]
        rows[model] = sorted(db.session.execute(select(*columns)).all(), key=repr)
    return rows


@pytest.mark.parametrize("threads", [1, 2], ids=["forked", "spawned"])
def test_worker_processes_give_the_same_rollup_as_one_process(db, monkeypatch, threads):
    # Workers are forked from a single-threaded process and spawned beside other threads.
    monkeypatch.setattr("analytics.workers.threading.active_count", lambda: threads)
    for n, day in enumerate(DAYS):
        for person in range(3):
            visit, visitor = visit_id(), f"{person:032d}"
            event(oslo(day, 9 + person), "page_view", "/", visit=visit, visitor=visitor)
            event(
                oslo(day, 9 + person, 1),
                "product_view",
                f"/produkt/{n % 4}",
                visit=visit,
                visitor=visitor,
                product_id=n % 4 + 1,
            )
            event(
                oslo(day, 9 + person, 2),
                "product_view",
                "/produkt/x",
                visit=visit,
                visitor=visitor,
                product_id=9,
            )
    db.session.commit()  # workers read what is committed

    in_process = rollup_days(DAYS, workers=1)
    expected = snapshot()
    for model in (*DAY_TABLES.values(), DayTotals):
        db.session.execute(delete(model))
    in_workers = rollup_days(DAYS, workers=2)

    assert (in_workers.days, in_workers.visits) == (in_process.days, in_process.visits) == (28, 84)
    assert snapshot() == expected
    last = db.session.scalars(select(VisitFact).where(VisitFact.day == DAYS[-1])).all()
    assert sorted(v.visit_number for v in last) == [28, 28, 28]  # numbered across the days
