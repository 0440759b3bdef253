"""The personal front page in a real browser (R2.2, R1.2).

A customer logs in through the login page, gives the personalisation consent in the banner
("Tilpass", the switch, "Lagre valg") or on the settings page, and browses; their front page
then has «Utvalgt for deg» and, after a purchase, «Tilbud til deg», which an anonymous visitor
in a browser of their own never sees. Withdrawing the consent on /cookie-innstillinger brings
back the generic front page and deletes the profile (bkm.personal.models).

Only personalisation is granted here, never statistics: no clickstream script runs and no
beacon can reach the next test's tables. (Headless chromium's User-Agent says
"HeadlessChrome", which only the clickstream treats as a bot; personalisation does not look at
the User-Agent, so the ordinary `page` will do.) Pages are closed before the test ends anyway.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bkm.clock import utcnow
from bkm.consent.models import ConsentRecord
from bkm.consent.registry import PERSONALISATION
from bkm.extensions import db
from bkm.personal.models import BRAND, CATEGORY, Interest
from tests.browser.helpers import log_in
from tests.browser.test_consent import banner, choose_in_banner, post_form
from tests.factories import make_category, make_customer, make_order, make_product

pytestmark = pytest.mark.browser

PICKS = "personal-picks"
OFFERS = "personal-offers"
SWITCH = f"consent-purpose-{PERSONALISATION}"


# --- the shop -----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(commit, write_images) -> SimpleNamespace:
    """Desks, chairs, lamps and a sofa, all in stock; every brand belongs to one category only,
    so a brand interest picks nothing from another category. Slugs as in the demo catalogue,
    which is what «Tilbud til deg» knows (bkm.personal.offers.COMPLEMENTS)."""
    desks = make_category(slug="skrivebord", name="Skrivebord")
    chairs = make_category(slug="kontorstoler", name="Kontorstoler")
    ergonomic = make_category(
        slug="ergonomiske-stoler", name="Ergonomiske stoler", parent_id=chairs.id
    )
    lighting = make_category(slug="belysning", name="Belysning")
    desk_lamps = make_category(
        slug="skrivebordslamper", name="Skrivebordslamper", parent_id=lighting.id
    )
    sofas = make_category(slug="sofaer", name="Sofaer")

    def product(category, slug, title, brand, days_old, stock=2):
        return make_product(
            category=category,
            slug=slug,
            title=title,
            brand=brand,
            stock_quantity=stock,
            at=utcnow() - timedelta(days=days_old),
        )

    shop = SimpleNamespace(
        desks_category=desks,
        # Newest first, as «Utvalgt for deg» lists one interest's products.
        desks=[
            product(desks, "skrivebord-efg", "Skrivebord EFG bjørk", "EFG", 1),
            product(desks, "skrivebord-kinnarps", "Skrivebord Kinnarps hvit", "Kinnarps", 2),
            product(desks, "skrivebord-martela", "Skrivebord Martela eik", "Martela", 3),
        ],
        chairs=[
            product(ergonomic, "hag-capisco", "Kontorstol HÅG Capisco", "HÅG", 4),
            product(chairs, "rh-logic", "Kontorstol RH Logic", "RH", 6),
        ],
        sold_chair=product(chairs, "rh-activ-solgt", "Kontorstol RH Activ", "RH", 1, stock=0),
        lamps=[
            product(desk_lamps, "luxo-l1", "Skrivebordslampe Luxo L-1", "Luxo", 5),
            product(lighting, "lp-panthella", "Bordlampe Panthella", "Louis Poulsen", 7),
        ],
        sofa=product(sofas, "savo-sofa", "Sofa Savo", "Savo", 1),
    )
    write_images(*shop.desks, *shop.chairs, shop.sold_chair, *shop.lamps, shop.sofa)
    commit()
    return shop


@pytest.fixture
def shopper(commit):
    """A customer who answered the privacy statement in force with no to everything."""
    person = make_customer(name="Per Profil")
    commit()
    return person


# --- helpers ------------------------------------------------------------------------------------


def open_front_page(page) -> str:
    """Load the front page; the text of its <main>, which is all that differs between
    visitors apart from the header, the banner and the flashes."""
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kvalitetssjekkede")
    expect(page.get_by_role("heading", name="Nye varer")).to_be_visible()
    return page.locator("main").inner_text()


def card_titles(section):
    return section.get_by_test_id("product-card").locator(".product-card__title")


def assert_generic(page) -> None:
    expect(page.get_by_test_id(PICKS)).to_have_count(0)
    expect(page.get_by_test_id(OFFERS)).to_have_count(0)
    expect(page.get_by_text("Utvalgt for deg")).to_have_count(0)
    expect(page.get_by_text("Tilbud til deg")).to_have_count(0)


def view_product(page, product) -> None:
    """Choose the product on its category's listing, as a shopper would."""
    page.locator(f"a[data-product-id='{product.id}']").first.click()
    expect(page).to_have_url(re.compile(rf"/produkt/{re.escape(product.slug)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(product.title)


def profile(user_id: int) -> dict[tuple[str, str], float]:
    db.session.rollback()  # a fresh transaction: see what the live server committed
    rows = db.session.scalars(select(Interest).where(Interest.user_id == user_id))
    return {(row.kind, row.key): round(row.score, 2) for row in rows}


def account_answers(user_id: int) -> list[tuple[str, str, frozenset[str]]]:
    db.session.rollback()
    rows = db.session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user_id).order_by(ConsentRecord.id)
    )
    return [(row.action, row.channel, row.granted_purposes) for row in rows]


def anonymous_front_page(new_watched_page) -> str:
    """The generic front page: a visitor in a browser of their own, never logged in."""
    stranger = new_watched_page()
    generic = open_front_page(stranger)
    expect(banner(stranger)).to_be_visible()  # no choice made: nothing personal either way
    assert_generic(stranger)
    stranger.close()
    return generic


# --- 1: browsing desks, then withdrawing ----------------------------------------------------


WITHDRAWALS = ["untick-and-save", "reject-all"]


@pytest.mark.req("R2.2")
@pytest.mark.req("R1.2")
@pytest.mark.parametrize("withdrawal", WITHDRAWALS)
def test_a_customer_who_consents_and_browses_desks_gets_desks_until_withdrawing(
    withdrawal, page, new_watched_page, catalogue, shopper
):
    user_id = shopper.id
    desk_titles = [desk.title for desk in catalogue.desks]
    generic = anonymous_front_page(new_watched_page)

    # Logged in without the consent: the same front page as everybody's, and no profile.
    log_in(page, shopper)
    assert open_front_page(page) == generic
    assert_generic(page)
    page.goto("/kategori/skrivebord")
    view_product(page, catalogue.desks[0])
    assert profile(user_id) == {}

    # The banner: "Tilpass", the personalisation switch alone, "Lagre valg".
    page.goto("/")
    form = banner(page)
    form.get_by_test_id("consent-customize").click()
    switch = form.get_by_test_id(SWITCH)
    expect(switch).to_be_visible()
    expect(switch).not_to_be_checked()
    switch.check()
    choose_in_banner(page, "consent-save")
    assert account_answers(user_id)[-1] == ("custom", "banner", frozenset({PERSONALISATION}))
    assert profile(user_id) == {}  # the view before the consent was recorded nowhere

    # Two of the three desks, chosen on the desks' listing.
    for desk in catalogue.desks[:2]:
        page.goto("/kategori/skrivebord")
        view_product(page, desk)
    assert profile(user_id) == {
        (CATEGORY, str(catalogue.desks_category.id)): 2.0,
        (BRAND, "EFG"): 1.0,
        (BRAND, "Kinnarps"): 1.0,
    }

    personal = open_front_page(page)
    picks = page.get_by_test_id(PICKS)
    expect(picks).to_be_visible()
    expect(picks.get_by_role("heading", level=2)).to_have_text("Utvalgt for deg")
    # Every desk in stock, the one never looked at too (the category is the interest), newest
    # first; no chair, lamp or sofa.
    expect(card_titles(picks)).to_have_text(desk_titles)
    expect(page.get_by_test_id(OFFERS)).to_have_count(0)  # nothing bought, nothing offered
    assert personal != generic
    assert "Utvalgt for deg" in personal and "Utvalgt for deg" not in generic

    # Withdrawing on /cookie-innstillinger, where the switch shows the account's answer.
    page.get_by_test_id("cookie-settings-link").click()
    expect(page).to_have_url(re.compile(r"/cookie-innstillinger$"))
    switch = page.get_by_test_id(SWITCH)
    expect(switch).to_be_checked()
    if withdrawal == "untick-and-save":
        switch.uncheck()
        post_form(page, page.get_by_test_id("consent-save"))
    else:
        post_form(page, page.get_by_test_id("consent-reject-all"))
    expect(page.get_by_text("Valget ditt er lagret")).to_be_visible()
    assert account_answers(user_id)[-1] == ("withdraw", "settings", frozenset())
    assert profile(user_id) == {}  # deleted with the ledger row (R3.6)

    assert open_front_page(page) == generic
    assert_generic(page)
    # Browsing on grows no new profile.
    page.goto("/kategori/skrivebord")
    view_product(page, catalogue.desks[2])
    assert open_front_page(page) == generic
    assert profile(user_id) == {}
    page.close()


# --- 2: offers that go with an earlier purchase -------------------------------------------------


@pytest.mark.req("R1.2")
def test_a_customer_who_bought_a_desk_is_offered_chairs_and_lamps(
    page, new_watched_page, catalogue, shopper, commit
):
    bought = catalogue.desks[0]
    make_order(shopper, {bought: 1})
    commit()
    user_id = shopper.id
    generic = anonymous_front_page(new_watched_page)

    # Without the consent the purchase changes nothing on the front page.
    log_in(page, shopper)
    assert open_front_page(page) == generic
    assert_generic(page)

    # The consent on the settings page this time.
    page.get_by_test_id("cookie-settings-link").click()
    expect(page).to_have_url(re.compile(r"/cookie-innstillinger$"))
    switch = page.get_by_test_id(SWITCH)
    expect(switch).not_to_be_checked()
    switch.check()
    post_form(page, page.get_by_test_id("consent-save"))
    expect(page.get_by_text("Valget ditt er lagret")).to_be_visible()
    assert account_answers(user_id)[-1] == ("custom", "settings", frozenset({PERSONALISATION}))

    personal = open_front_page(page)
    offers = page.get_by_test_id(OFFERS)
    expect(offers).to_be_visible()
    expect(offers.get_by_role("heading", level=2)).to_have_text("Tilbud til deg")
    # Chairs and lamps (subcategories included) take turns, the newest first in each; not the
    # sold-out chair, not the sofa, no desk.
    newest_chair, older_chair = catalogue.chairs
    newest_lamp, older_lamp = catalogue.lamps
    expect(card_titles(offers)).to_have_text(
        [newest_chair.title, newest_lamp.title, older_chair.title, older_lamp.title]
    )
    expect(page.get_by_test_id(PICKS)).to_have_count(0)  # no views, no profile, no picks
    assert personal != generic
    assert profile(user_id) == {}
    page.close()
