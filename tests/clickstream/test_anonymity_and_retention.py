"""No path from the clickstream to a person (R2.2, R6.2), and raw events age out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from bkm.clickstream.models import ClickEvent, PageCount
from bkm.clickstream.retention import purge_old_events
from bkm.clock import oslo_today, utcnow
from bkm.extensions import db
from tests.clickstream.helpers import events

CLICK_TABLES = ("click_events", "click_page_counts")
PERSONAL_WORDS = ("user", "customer", "email", "name", "phone", "address", "order", "ip")


@pytest.mark.req("R2.2")
@pytest.mark.req("R6.2")
def test_the_clickstream_tables_have_no_column_or_key_that_leads_to_a_person():
    for name in CLICK_TABLES:
        table = db.metadata.tables[name]
        assert table.foreign_keys == set(), f"{name} must not reference other tables"
        for column in table.columns:
            if column.name == "ip_prefix":  # truncated to /16 or /48 before it is written
                continue
            assert not any(word in column.name for word in PERSONAL_WORDS), column.name
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            assert key.column.table.name not in CLICK_TABLES, f"{table.name} points into it"


@pytest.mark.req("R6.2")
def test_cookieless_counts_hold_no_identifier_at_all():
    columns = {c.name for c in PageCount.__table__.columns}
    assert columns == {
        "id",
        "day",
        "path",
        "page_type",
        "product_id",
        "category_id",
        "device",
        "referrer_host",
        "views",
    }


def _event(days_old: int) -> dict:
    return {
        "at": utcnow() - timedelta(days=days_old),
        "type": "page_view",
        "path": "/",
        "device": "computer",
        "ip_prefix": "192.0.0.0",
        "visitor_id": "f" * 32,
        "visit_id": "a" * 32,
    }


def test_raw_events_older_than_the_retention_period_are_purged_and_counts_stay(app, db):
    db.session.execute(insert(ClickEvent), [_event(181), _event(179), _event(1)])
    db.session.add(
        PageCount(
            day=oslo_today() - timedelta(days=400),
            path="/",
            page_type="front",
            device="computer",
            views=3,
        )
    )
    db.session.commit()
    assert purge_old_events() == 1
    assert len(events()) == 2
    assert db.session.query(PageCount).one().views == 3


def test_the_purge_command_says_what_it_did(runner, db):
    db.session.execute(insert(ClickEvent), [_event(200)])
    db.session.commit()
    result = runner.invoke(args=["clickstream", "purge"])
    assert result.exit_code == 0 and "Deleted 1 clickstream events" in result.output
