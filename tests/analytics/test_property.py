"""Property: on any raw events, the rollup gives the figures a direct computation from the
definitions gives (README, "Statistics"). The reference below is plain Python, written from
the definitions, not from analytics/visits.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from analytics.models import DAY, DayTotals, PageDay, TransitionDay, VisitFact
from analytics.rollup import DAY_TABLES, rollup_day
from bkm.clickstream.models import ClickEvent
from bkm.extensions import db
from tests.analytics.raw import event, oslo

THE_DAY = date(2026, 5, 12)
PAGE_VIEWS = ("page_view", "product_view", "category_view", "search")
PATHS = ("/", "/sok", "/kategori/a", "/produkt/1", "/produkt/2", "/produkt/3")
VISITORS = ("", "a" * 32, "b" * 32, "c" * 32)

step = st.tuples(
    st.sampled_from((*PAGE_VIEWS, "product_view", "add_to_cart", "time_on_page", "purchase")),
    st.sampled_from(PATHS),
    st.integers(0, 900),  # seconds after the step before
    st.integers(0, 120_000),  # a beacon's duration_ms
)
visit = st.tuples(
    st.sampled_from(VISITORS),
    st.integers(6 * 3600, 20 * 3600),  # start: seconds after midnight
    st.lists(step, min_size=1, max_size=7),
)


def product_of(path: str) -> int | None:
    return int(path.rsplit("/", 1)[1]) if path.startswith("/produkt/") else None


def write(visits) -> list[dict]:
    """The events as rows, in time order within each visit."""
    rows = []
    for number, (visitor, start, steps) in enumerate(visits):
        at = oslo(THE_DAY, 0) + timedelta(seconds=start)
        for kind, path, gap, duration in steps:
            at += timedelta(seconds=gap)
            if kind == "product_view" and product_of(path) is None:
                path = "/produkt/1"
            rows.append(
                {
                    "at": at,
                    "kind": kind,
                    "path": path,
                    "visit": f"{number:032x}",
                    "visitor": visitor,
                    "duration_ms": duration if kind == "time_on_page" else None,
                    "product_id": product_of(path) if kind != "time_on_page" else None,
                }
            )
    for row in rows:
        extra = {"duration_ms": row["duration_ms"], "product_id": row["product_id"]}
        event(
            row["at"], row["kind"], row["path"], visit=row["visit"], visitor=row["visitor"], **extra
        )
    return rows


def direct(rows: list[dict]) -> dict:
    """Every figure straight from the definitions."""
    by_visit = defaultdict(list)
    for index, row in enumerate(rows):
        by_visit[row["visit"]].append((row["at"], index, row))
    figures = {
        "visits": 0,
        "page_views": 0,
        "bounces": 0,
        "duration_s": 0,
        "visitors": set(),
        "pages": defaultdict(Counter),
        "time": defaultdict(list),
        "steps": Counter(),
        "durations": [],
    }
    for events in by_visit.values():
        events.sort(key=lambda e: (e[0], e[1]))
        views = [row for _, _, row in events if row["kind"] in PAGE_VIEWS]
        if not views:
            continue  # not a visit: no page was seen
        figures["visits"] += 1
        figures["page_views"] += len(views)
        figures["bounces"] += len(views) == 1
        seconds = int((events[-1][0] - events[0][0]).total_seconds())
        figures["duration_s"] += seconds
        figures["durations"].append(seconds)
        if views[0]["visitor"]:
            figures["visitors"].add(views[0]["visitor"])
        figures["pages"][views[0]["path"]]["entries"] += 1
        figures["pages"][views[-1]["path"]]["exits"] += 1
        for n, view in enumerate(views):
            figures["pages"][view["path"]]["views"] += 1
            if n + 1 < len(views):
                spent = (views[n + 1]["at"] - view["at"]).total_seconds() * 1000
            else:
                beacons = [
                    row["duration_ms"]
                    for _, _, row in events
                    if row["kind"] == "time_on_page"
                    and row["path"] == view["path"]
                    and row["at"] >= view["at"]
                ]
                spent = sum(beacons) if beacons else None
            if spent is not None:
                figures["time"][view["path"]].append(spent)
        products = [v["product_id"] for v in views if v["kind"] == "product_view"]
        for first, second in pairwise(products):
            if first != second:
                figures["steps"][(first, second)] += 1
    return figures


def clear() -> None:
    for model in (*DAY_TABLES.values(), DayTotals, ClickEvent):
        db.session.execute(delete(model))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(visit, min_size=1, max_size=6))
def test_the_rollup_gives_the_same_figures_as_a_direct_computation(db, visits):
    clear()
    expected = direct(write(visits))

    rollup_day(THE_DAY)

    totals = db.session.get(DayTotals, THE_DAY)
    assert (totals.visits, totals.page_views, totals.bounces, totals.duration_s) == (
        expected["visits"],
        expected["page_views"],
        expected["bounces"],
        expected["duration_s"],
    )
    assert totals.visitors == len(expected["visitors"])
    assert sorted(db.session.scalars(select(VisitFact.duration_s))) == sorted(expected["durations"])
    pages = defaultdict(Counter)  # a path's rows, one per kind of page, added up
    for row in db.session.scalars(select(PageDay).where(PageDay.span == DAY)):
        for name in ("views", "entries", "exits", "timed_views", "time_ms"):
            pages[row.path][name] += getattr(row, name)
    assert set(pages) == set(expected["pages"])
    for path, counts in expected["pages"].items():
        row = pages[path]
        assert (row["views"], row["entries"], row["exits"]) == (
            counts["views"],
            counts["entries"],
            counts["exits"],
        ), path
        spent = expected["time"].get(path, [])
        assert (row["timed_views"], row["time_ms"]) == (len(spent), round(sum(spent))), path
    steps = {
        (row.from_product_id, row.to_product_id): row.transitions
        for row in db.session.scalars(select(TransitionDay).where(TransitionDay.span == DAY))
    }
    assert steps == dict(expected["steps"])
