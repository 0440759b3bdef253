"""The statistics write only their own `analytics_*` tables (the issue's promise, tested by
listening to every statement the rollup and the dashboards send)."""

from __future__ import annotations

import re

from sqlalchemy import event as sa_event

from analytics.rollup import rollup_all, rollup_day, rollup_pending
from bkm.extensions import db
from tests.analytics.handmade import DAY, hand_made_day, make_products

WRITE = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE|DROP|ALTER|TRUNCATE|REPLACE\s+INTO)\s+"
    r"(?:TABLE\s+)?\"?(\w+)",
    re.IGNORECASE,
)


def test_rollups_and_dashboards_write_only_analytics_tables(app, client, login_as, manager):
    stol, bord = make_products(copies=5)
    hand_made_day(stol, bord, copies=5)
    db.session.commit()
    login_as(manager)
    statements: list[str] = []

    def listen(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", listen)
    try:
        rollup_all()
        rollup_day(DAY)
        rollup_pending()
        db.session.commit()
        for url in (
            "/statistikk/",
            "/statistikk/sider",
            "/statistikk/varer",
            "/statistikk/veier",
            "/statistikk/trafikk",
            "/statistikk/enheter",
            "/statistikk/samtykke",
            "/statistikk/kjopstrender",
            "/statistikk/sider/mest-leste.csv",
        ):
            for period in ("periode=30d", f"periode=egen&fra={DAY}&til={DAY}"):
                assert client.get(f"{url}?{period}").status_code == 200, url
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listen)

    written = {match.group(1).lower() for s in statements if (match := WRITE.match(s))}
    assert written, "the rollup wrote something"
    assert {"analytics_days", "analytics_visits", "analytics_page_days"} <= written
    assert all(name.startswith("analytics_") for name in written), written
    reads = " ".join(statements)
    assert "FROM click_events" in reads and "FROM orders" in reads  # it did read the shop
