"""The storefront in a real browser: what a shopper sees, at desktop and phone widths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from bkm.catalog.pricing import set_price
from bkm.clock import utcnow
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}


@pytest.fixture
def shop(commit, write_images):
    """A small catalogue: chairs in three conditions and prices, one desk, one reduced price."""
    now = utcnow()
    chairs = make_category(
        slug="kontorstoler", name="Kontorstoler", description="Brukte kontorstoler."
    )
    desks = make_category(slug="skrivebord", name="Skrivebord")
    products = {
        "cheap_a": make_product(
            title="Kinnarps Capella",
            condition="A",
            price_ore=90_000,
            category=chairs,
            at=now - timedelta(days=3),
        ),
        "mid_b": make_product(
            title="HÅG H05 kontorstol",
            brand="HÅG",
            condition="B",
            price_ore=190_000,
            category=chairs,
            at=now - timedelta(days=2),
        ),
        "dear_c": make_product(
            title="RH Logic 400",
            brand="RH",
            condition="C",
            price_ore=450_000,
            category=chairs,
            at=now - timedelta(days=1),
        ),
        "desk": make_product(
            title="Hev-/senkebord med støydemper",
            condition="A",
            price_ore=350_000,
            category=desks,
            at=now - timedelta(days=40),
            width_cm=160,
            depth_cm=80,
            height_cm=72,
        ),
    }
    # Reduced a day ago from kr 3 500 (its only price in the 30 days before): før kr 3 500.
    set_price(products["desk"], 280_000, at=now - timedelta(days=1))
    write_images(*products.values())
    commit()
    return products


def card_titles(page) -> list[str]:
    return page.get_by_test_id("product-card").locator(".product-card__title").all_inner_texts()


def test_front_page_shows_new_arrivals_and_company_footer(page, shop):
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("brukte kontormøbler fra Elverum")
    arrivals = page.get_by_role("region", name="Nye varer")
    expect(arrivals.get_by_test_id("product-card")).to_have_count(4)
    expect(arrivals.get_by_role("link", name="RH Logic 400")).to_be_visible()
    footer = page.get_by_test_id("footer-company")
    expect(footer).to_contain_text("Brukte Kontormøbler AS")
    expect(footer).to_contain_text("Svartbekkvegen 50")
    expect(footer).to_contain_text("2411 Elverum")
    expect(footer).to_contain_text("974 408 597")
    expect(footer.get_by_role("link", name="62 41 79 05")).to_have_attribute(
        "href", "tel:+4762417905"
    )
    expect(footer.get_by_role("link", name="post@bruktekontormobler.no")).to_have_attribute(
        "href", "mailto:post@bruktekontormobler.no"
    )


def test_skip_link_is_first_focusable_element_and_moves_focus_to_main(page, shop):
    page.goto("/")
    # The consent banner comes first until answered (Digdir's pattern); answer it, reload.
    page.get_by_test_id("consent-reject-all").click()
    expect(page.get_by_test_id("consent-banner")).to_have_count(0)
    page.reload()

    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Hopp til innhold")
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#innhold")).to_be_focused()


def test_search_with_norwegian_letters_finds_the_product(page, shop):
    page.goto("/")

    search = page.get_by_test_id("site-search")
    search.get_by_label("Søk etter varer").fill("støy")
    search.get_by_role("button", name="Søk").click()

    expect(page).to_have_url(re.compile(r"/sok\?q=st%C3%B8y$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Søkeresultater for «støy»")
    expect(page.get_by_test_id("product-card")).to_have_count(1)
    expect(page.get_by_test_id("product-card")).to_contain_text("Hev-/senkebord med støydemper")


def test_search_without_hits_offers_tips_categories_and_contact(page, shop):
    page.goto("/sok?q=sofa")

    empty = page.get_by_test_id("no-results")
    expect(empty).to_contain_text("Vi fant ingen varer for «sofa»")
    expect(empty.get_by_role("heading", name="Søketips")).to_be_visible()
    expect(empty.get_by_role("link", name=re.compile("Kontorstoler"))).to_be_visible()
    expect(empty.get_by_role("link", name="62 41 79 05")).to_be_visible()


def test_category_condition_filter_narrows_the_grid(page, shop):
    page.goto("/kategori/kontorstoler")
    expect(page.get_by_test_id("product-card")).to_have_count(3)

    form = page.get_by_test_id("filter-form")
    form.get_by_label("A – Som ny").check()
    form.get_by_label("B – Pent brukt").check()
    form.get_by_role("button", name="Vis varer").click()

    expect(page.get_by_test_id("product-card")).to_have_count(2)
    assert sorted(card_titles(page)) == ["HÅG H05 kontorstol", "Kinnarps Capella"]
    expect(page.get_by_test_id("filter-form").get_by_label("A – Som ny")).to_be_checked()


def test_category_price_filter_narrows_the_grid(page, shop):
    page.goto("/kategori/kontorstoler")

    form = page.get_by_test_id("filter-form")
    form.get_by_label("Fra kr").fill("1000")
    form.get_by_label("Til kr").fill("2 000")
    form.get_by_role("button", name="Vis varer").click()

    expect(page.get_by_test_id("product-card")).to_have_count(1)
    expect(page.get_by_test_id("product-card")).to_contain_text("HÅG H05 kontorstol")
    expect(page.get_by_test_id("result-range")).to_have_text("Viser 1–1 av 1 vare")


def test_category_filter_error_is_shown_in_norwegian_next_to_the_field(page, shop):
    page.goto("/kategori/kontorstoler?min_pris=mange")

    price_from = page.get_by_label("Fra kr")
    expect(price_from).to_have_attribute("aria-invalid", "true")
    expect(price_from).to_have_accessible_description(re.compile("Skriv et beløp i kroner"))
    expect(page.get_by_test_id("product-card")).to_have_count(3)


def test_category_filters_with_no_match_show_a_way_back(page, shop):
    page.goto("/kategori/kontorstoler?maks_pris=10")

    empty = page.get_by_test_id("no-results")
    expect(empty).to_contain_text("Ingen varer passer filtrene dine")
    empty.get_by_role("link", name="Vis alle varer i Kontorstoler").click()
    expect(page.get_by_test_id("product-card")).to_have_count(3)


def test_filter_panel_is_collapsed_on_a_phone_and_opens_without_javascript(page, shop):
    page.set_viewport_size(PHONE)
    page.goto("/kategori/kontorstoler")

    form = page.get_by_test_id("filter-form")
    expect(form).to_be_hidden()
    page.get_by_text("Filtrer varer", exact=True).click()
    expect(form).to_be_visible()
    form.get_by_label("C – Godt brukt").check()
    form.get_by_role("button", name="Vis varer").click()
    expect(page.get_by_test_id("product-card")).to_have_count(1)


@pytest.mark.parametrize("path", ["/", "/kategori/kontorstoler", "/produkt/{desk}", "/sok?q=stol"])
def test_phone_width_has_no_horizontal_scroll(page, shop, path):
    page.set_viewport_size(PHONE)
    page.goto(path.format(desk=shop["desk"].slug))

    expect(page.get_by_role("main")).to_be_visible()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"]


def test_product_page_shows_before_price_for_a_reduced_product(page, shop):
    page.goto(f"/produkt/{shop['desk'].slug}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Hev-/senkebord med støydemper")
    expect(page.get_by_test_id("product-price")).to_contain_text("kr\u00a02\u00a0800")
    before = page.get_by_test_id("before-price")
    expect(before).to_contain_text("Før kr\u00a03\u00a0500")
    expect(before).to_contain_text("Laveste pris siste 30 dager før prisnedsettelsen")
    expect(before).to_contain_text("Du sparer kr\u00a0700")
    expect(
        page.get_by_test_id("product").get_by_text("inkl. 25\u00a0% mva", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("navigation", name="Brødsmulesti")).to_contain_text("Skrivebord")


def test_product_page_without_reduction_shows_no_before_price(page, shop):
    page.goto(f"/produkt/{shop['mid_b'].slug}")

    expect(page.get_by_test_id("product-price")).to_contain_text("kr\u00a01\u00a0900")
    expect(page.get_by_test_id("before-price")).to_have_count(0)
    expect(page.get_by_text("Tilstand B – Pent brukt")).to_be_visible()


def test_reduced_product_card_shows_before_price_in_listings(page, shop):
    page.goto("/kategori/skrivebord")

    card = page.get_by_test_id("product-card")
    expect(card.get_by_test_id("before-price")).to_have_text("Før kr\u00a03\u00a0500")
