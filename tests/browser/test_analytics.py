"""The statistics dashboards in a real browser: every Plotly chart is drawn under the shop's
strict CSP, nothing is loaded from another origin, and only managers get in.

The watched `page` fixture (conftest.py) fails a test on any console error (a CSP violation
is one) and on any request that leaves 127.0.0.1. A screenshot of each dashboard is kept in
test-results/analytics/ (git-ignored; pytest-playwright's own output folder).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from analytics import DASHBOARDS
from analytics.rollup import rollup_day
from tests.analytics.handmade import DAY, hand_made_day, make_products
from tests.browser.helpers import log_in
from tests.factories import make_customer, make_user

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "analytics"
PERIOD = f"periode=egen&fra={DAY.isoformat()}&til={DAY.isoformat()}"


@pytest.fixture
def statistics(commit, write_images):
    stol, bord = make_products(copies=5)
    write_images(stol, bord)
    hand_made_day(stol, bord, copies=5)
    rollup_day(DAY)
    manager = make_user(role="manager", name="Mona Manager")
    commit()
    return manager


def forgive_failed_load(page_watch, status: int) -> None:
    """The browser logs a 4xx document as a console error; here that answer is the point."""
    expected = f"status of {status} "
    assert any(expected in message for message in page_watch.console_errors)
    page_watch.console_errors[:] = [m for m in page_watch.console_errors if expected not in m]


def test_a_manager_sees_every_chart_of_every_dashboard_drawn(page, statistics):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, statistics)
    page.get_by_role("button", name="Avslå alle").click()
    page.goto("/statistikk/?" + PERIOD)
    for endpoint, title in DASHBOARDS:
        page.get_by_test_id("analytics-nav").get_by_role("link", name=title, exact=True).click()
        expect(page).to_have_url(re.compile("periode=egen"))  # the period goes along
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        plots = page.locator("[data-figure]")
        assert plots.count() >= 1, endpoint
        for index in range(plots.count()):
            plot = plots.nth(index)
            expect(plot).to_have_attribute("data-drawn", "true")
            expect(plot.locator("svg.main-svg").first).to_be_visible()
            marks = plot.locator("svg .trace, svg .sankey-node")
            assert marks.count() >= 1, f"{endpoint}: chart {index} has nothing drawn"
        box = plots.first.bounding_box()  # a hover label is styled too: still no CSP error
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
        shot = SCREENSHOTS / f"{endpoint.split('.')[1]}.png"
        page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 10_000, shot


def test_a_bad_custom_date_is_explained_in_norwegian(page, page_watch, statistics):
    log_in(page, statistics)
    page.goto("/statistikk/")
    page.get_by_label("Periode", exact=True).select_option("egen")
    page.get_by_label("Fra (egen periode)").fill("2026-03-10")
    page.get_by_label("Til (egen periode)").fill("2026-03-01")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_test_id("period-errors")).to_contain_text("«Fra» må være samme dag som")
    expect(page.locator("[data-figure]")).to_have_count(0)
    forgive_failed_load(page_watch, 400)


def test_choosing_a_preset_clears_the_custom_dates(page, statistics):
    log_in(page, statistics)
    page.goto("/statistikk/?" + PERIOD)
    page.get_by_label("Periode", exact=True).select_option("7d")
    expect(page.get_by_label("Fra (egen periode)")).to_have_value("")
    page.get_by_role("button", name="Vis").click()
    expect(page).to_have_url(re.compile(r"periode=7d"))
    expect(page.get_by_test_id("analytics-period")).to_contain_text("(7 dager)")


@pytest.mark.parametrize("who", ["customer", "anonymous"])
def test_customers_and_anonymous_visitors_are_refused(page, page_watch, commit, who):
    if who == "customer":
        customer = make_customer(name="Kari Kunde")
        commit()
        log_in(page, customer)
    response = page.goto("/statistikk/")
    if who == "customer":
        assert response.status == 403
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ingen tilgang")
        forgive_failed_load(page_watch, 403)
    else:
        expect(page).to_have_url(re.compile(r"/konto/logg-inn\?next="))
    expect(page.locator("[data-figure]")).to_have_count(0)
