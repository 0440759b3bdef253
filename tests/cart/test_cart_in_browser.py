"""The cart in a real browser: chromium's own Origin header must pass the same-origin check."""

# ruff: noqa: F811  (the browser suite's fixtures are imported, then requested by name)

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401  (fixtures, shared with the browser suite)
    CHROMIUM,
    base_url,
    browser_type_launch_args,
    commit,
    live_server,
    page,
    page_watch,
    write_images,
)
from tests.factories import make_category, make_product

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and shutil.which("chromium") is None,
        reason=f"{CHROMIUM} is missing: apt-get install -y chromium",
    ),
]


@pytest.fixture
def chairs_and_desk(commit, write_images):
    chairs = make_product(
        category=make_category(slug="kontorstoler", name="Kontorstoler"),
        slug="kinnarps-6000",
        title="Kinnarps 6000 kontorstol",
        price_ore=120_000,
        stock_quantity=3,
    )
    desk = make_product(slug="skrivebord", title="Skrivebord 160 cm", price_ore=250_000)
    write_images(chairs, desk)
    commit()
    return chairs, desk


def test_shopper_adds_changes_and_removes_items_in_the_browser(page, chairs_and_desk):
    page.goto("/produkt/kinnarps-6000")
    page.get_by_label("Antall").select_option("2")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_text("Lagt i handlekurven: Kinnarps 6000 kontorstol.")).to_be_visible()
    expect(page.get_by_test_id("cart-link")).to_have_text(re.compile(r"Handlekurv \(2"))

    page.goto("/produkt/skrivebord")
    page.get_by_test_id("add-to-cart").click()
    page.get_by_test_id("cart-link").click()
    expect(page.get_by_test_id("cart-line")).to_have_count(2)
    expect(page.get_by_test_id("cart-total")).to_have_text("kr\u00a04\u00a0900")

    page.get_by_label("Antall").select_option("3")
    page.get_by_role("button", name="Oppdater").click()
    expect(page.get_by_text("Antallet er endret.")).to_be_visible()
    expect(page.get_by_test_id("cart-total")).to_have_text("kr\u00a06\u00a0100")

    page.get_by_test_id("cart-remove").first.click()
    page.get_by_test_id("cart-remove").first.click()
    expect(page.get_by_text("Handlekurven er tom")).to_be_visible()
    expect(page.get_by_test_id("cart-link")).to_have_text(re.compile(r"Handlekurv \(0"))
