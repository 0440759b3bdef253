"""`flask --app wsgi analytics rollup` and `… analytics demo-traffic`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from analytics.models import DayTotals
from bkm.clickstream.models import ClickEvent
from bkm.clock import oslo_today
from bkm.extensions import db
from tests.analytics.raw import event, oslo, visit_id

DAYS = [oslo_today() - timedelta(days=n) for n in (3, 2, 1)]


@pytest.fixture
def three_days(db):
    for day in DAYS:
        event(oslo(day, 12), "page_view", "/", visit=visit_id(), visitor="3" * 32)
    db.session.commit()


def rolled() -> set[date]:
    db.session.expire_all()
    return set(db.session.scalars(select(DayTotals.day)))


def test_rollup_without_options_rolls_every_finished_day(runner, three_days):
    result = runner.invoke(args=["analytics", "rollup"])

    assert result.exit_code == 0, result.output
    assert "Summerte 3 dager: 3 hendelser, 3 besøk" in result.output
    assert rolled() == set(DAYS)


def test_rollup_of_one_day_or_a_range(runner, three_days):
    assert runner.invoke(args=["analytics", "rollup", "--day", str(DAYS[1])]).exit_code == 0
    assert rolled() == {DAYS[1]}
    result = runner.invoke(
        args=["analytics", "rollup", "--from", str(DAYS[0]), "--to", str(DAYS[2])]
    )
    assert "Summerte 3 dager" in result.output
    result = runner.invoke(args=["analytics", "rollup", "--all"])
    assert result.exit_code == 0 and "Summerte 3 dager" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--day", "2026-02-30"], "er ikke en dato på formen 2026-11-24"),
        (["--all", "--day", "2026-02-01"], "Velg bare én av --all, --day og --from/--to."),
        (["--from", "2026-02-01"], "--from og --to må brukes sammen."),
        (["--from", "2026-02-03", "--to", "2026-02-01"], "--from må være før eller lik --to."),
    ],
)
def test_rollup_refuses_bad_options_in_norwegian(runner, db, args, message):
    result = runner.invoke(args=["analytics", "rollup", *args])

    assert result.exit_code == 2
    assert message in result.output
    assert rolled() == set()


def test_demo_traffic_adds_a_year_only_to_a_quiet_shop_and_says_so(runner, db, app):
    from tests.demo.test_traffic import seed_catalogue

    seed_catalogue(db, app)
    args = ["analytics", "demo-traffic", "--days", "2", "--visits-per-day", "30", "--if-empty"]

    first = runner.invoke(args=args)
    events = db.session.scalar(select(func.count()).select_from(ClickEvent))
    again = runner.invoke(args=args)

    assert first.exit_code == 0, first.output
    assert "demotrafikk" in first.output.lower() or "besøk" in first.output
    assert events > 0
    assert again.exit_code == 0 and "allerede besøk" in again.output
    assert db.session.scalar(select(func.count()).select_from(ClickEvent)) == events


def test_demo_traffic_without_the_demo_catalogue_says_so_in_norwegian(runner, db):
    result = runner.invoke(args=["analytics", "demo-traffic", "--days", "1"])

    assert result.exit_code != 0
    assert "Error:" in result.output and "Traceback" not in result.output
