"""Every storefront template renders in Norwegian, with its test hooks, within the strict CSP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bkm.catalog.pricing import set_price
from bkm.clock import utcnow
from tests.factories import make_category, make_product

INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)


def html(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def assert_shop_page(page: str) -> None:
    assert '<html lang="nb">' in page
    assert INLINE_STYLE.search(page) is None, "inline style breaks the CSP"
    assert INLINE_SCRIPT.search(page) is None, "inline script breaks the CSP"
    for hook in ("skip-link", "site-search", "footer-company"):
        assert f'data-testid="{hook}"' in page
    assert "Hopp til innhold" in page
    assert (
        'href="/personvern"' in page
        and 'href="/cookie-innstillinger"' in page
        and 'href="/kontakt"' in page
    )


@pytest.fixture
def catalogue(db):
    now = utcnow()
    chairs = make_category(
        slug="kontorstoler", name="Kontorstoler", description="Brukte kontorstoler."
    )
    make_category(slug="sjefsstoler", name="Sjefsstoler", parent=chairs)
    reduced = make_product(
        title="Hev-/senkebord med støydemper",
        category=chairs,
        price_ore=350_000,
        at=now - timedelta(days=40),
    )
    set_price(reduced, 280_000, at=now - timedelta(days=1))
    sold = make_product(title="Solgt stol", category=chairs, stock_quantity=0, images=0)
    db.session.commit()
    return {"chairs": chairs, "reduced": reduced, "sold": sold}


def test_front_page_renders_arrivals_categories_and_footer(client, catalogue):
    page = html(client.get("/"))

    assert_shop_page(page)
    assert 'data-testid="product-card"' in page
    assert "Hev-/<wbr>senkebord med støydemper" in page
    assert 'href="/kategori/kontorstoler"' in page
    assert "Svartbekkvegen 50" in page and 'href="tel:+4762417905"' in page
    assert "974 408 597" in page
    assert 'href="/konto/logg-inn"' in page


def test_category_page_renders_filters_products_and_subcategories(client, catalogue):
    page = html(client.get("/kategori/kontorstoler"))

    assert_shop_page(page)
    assert 'data-testid="filter-form"' in page
    assert 'method="get"' in page
    assert "Tilstand" in page and "A – Som ny" in page
    assert 'href="/kategori/sjefsstoler"' in page
    assert "Viser 1–2 av 2 varer" in page
    assert 'data-testid="before-price"' in page
    assert "Solgt" in page and "På lager" in page


def test_category_page_shows_field_errors_tied_to_their_inputs(client, catalogue):
    page = html(client.get("/kategori/kontorstoler?min_pris=mange"))

    assert "Skriv et beløp i kroner, for eksempel 1500." in page
    assert re.search(
        r'id="min_pris"[^>]*aria-describedby="min_pris-feil"|aria-describedby="min_pris-feil"[^>]*id="min_pris"',
        page,
    )
    assert 'aria-invalid="true"' in page


def test_category_pagination_keeps_filters_and_marks_the_current_page(app, client, db):
    chairs = make_category(slug="stoler", name="Stoler")
    for n in range(app.config["PRODUCTS_PER_PAGE"] + 2):
        make_product(category=chairs, condition="A", images=0, title=f"Stol {n}")
    db.session.commit()

    page = html(client.get("/kategori/stoler?tilstand=A&side=2"))

    assert 'data-testid="pagination"' in page
    assert re.search(r'<a href="/kategori/stoler\?tilstand=A" rel="prev">', page)
    assert re.search(
        r'<a href="/kategori/stoler\?tilstand=A&amp;side=2" aria-current="page">', page
    )
    assert "Viser 25–26 av 26 varer" in page


def test_empty_category_has_a_helpful_empty_state(client, db):
    make_category(slug="tom", name="Tom kategori")
    db.session.commit()

    page = html(client.get("/kategori/tom"))

    assert 'data-testid="no-results"' in page
    assert "Ingen varer i denne kategorien akkurat nå" in page


def test_product_page_renders_price_vat_condition_and_before_price(client, catalogue):
    page = html(client.get(f"/produkt/{catalogue['reduced'].slug}"))

    assert_shop_page(page)
    assert "inkl. 25&nbsp;% mva" in page
    assert "Før <s>kr\u00a03\u00a0500</s>" in page
    assert "Laveste pris siste 30 dager før prisnedsettelsen" in page
    assert "Normal bruksslitasje" in page  # grade B explained
    assert 'aria-label="Brødsmulesti"' in page
    assert re.search(r'<img src="/media/test/[^"]+"\s+alt="[^"]+" width="800" height="600"', page)


def test_sold_product_without_images_shows_solgt_and_the_placeholder(client, catalogue):
    page = html(client.get(f"/produkt/{catalogue['sold'].slug}"))

    assert "Solgt" in page
    assert "/static/img/placeholder.svg" in page


@pytest.mark.parametrize("query", ["", "sofa"])
def test_search_without_results_offers_categories_and_contact(client, catalogue, query):
    page = html(client.get("/sok", query_string={"q": query}))

    assert_shop_page(page)
    assert 'href="/kategori/kontorstoler"' in page
    assert "post@bruktekontormobler.no" in page
    if query:
        assert 'data-testid="no-results"' in page and "Søketips" in page


def test_search_with_results_lists_products(client, catalogue):
    page = html(client.get("/sok", query_string={"q": "støy"}))

    assert "Søkeresultater for «støy»" in page
    assert page.count('data-testid="product-card"') == 1
    assert 'value="støy"' in page  # the header search keeps the query


def test_login_page_renders_labelled_fields_and_norwegian_errors(client, customer):
    page = html(client.get("/konto/logg-inn"))
    assert_shop_page(page)
    assert '<label class="field__label" for="email">E-post</label>' in page
    assert 'autocomplete="current-password"' in page

    failed = html(client.submit("/konto/logg-inn", {"email": customer.email, "password": "feil"}))
    assert "Feil e-post eller passord." in failed
    assert 'aria-describedby="password-feil"' in failed


def test_manager_sees_statistics_link_and_logout_form(client, login_as, manager):
    login_as(manager)

    page = html(client.get("/"))

    assert 'href="/statistikk/"' in page
    assert "Mona Manager" in page
    assert re.search(r'<form action="/konto/logg-ut" method="post"', page)
    assert 'name="csrf_token"' in page
    overview = html(client.get("/statistikk/"))
    assert "Statistikk" in overview and 'data-testid="analytics-kpis"' in overview


def test_customer_sees_no_statistics_link(client, login_as, customer):
    login_as(customer)

    assert 'href="/statistikk/"' not in html(client.get("/"))
    forbidden = client.get("/statistikk/")
    assert forbidden.status_code == 403
    assert "Ingen tilgang" in html(forbidden)


def test_not_found_page_offers_search_and_front_page(client, db):
    response = client.get("/finnes-ikke")

    page = html(response)
    assert response.status_code == 404
    assert_shop_page(page)
    assert "Siden finnes ikke" in page
    assert 'action="/sok"' in page and "Til forsiden" in page


def test_flashed_messages_use_status_and_alert_roles(client, login_as, customer):
    login_as(customer)

    page = html(client.get("/"))

    assert re.search(r'class="notice notice--success" role="status">Velkommen, ', page)


@pytest.mark.parametrize("code", [400, 403, 404, 429, 500])
def test_error_templates_render_without_a_database_query(app, code):
    from flask import render_template

    with app.test_request_context("/"):
        page = render_template(
            f"errors/{code}.html", code=code, title="Tittel", text="Tekst", nav_categories=[]
        )

    assert f"Feil {code}" in page and "Tittel" in page and "Tekst" in page
    assert INLINE_STYLE.search(page) is None
    if code == 500:  # the database may be down: no user lookup, no category menu
        assert "Logg inn" not in page and 'aria-label="Kategorier"' not in page


def test_error_page_shows_category_menu_when_the_database_is_up(client, catalogue):
    page = html(client.get("/finnes-ikke"))

    assert 'aria-label="Kategorier"' in page and "Logg inn" in page


def test_generic_error_template_renders(app):
    from flask import render_template

    with app.test_request_context("/"):
        page = render_template("errors/generic.html", code=405, title="Ikke tillatt", text="Nei.")

    assert "Feil 405" in page and "Ikke tillatt" in page
