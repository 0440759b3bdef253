"""Shopper pages: what a visitor sees, and what bad input gets."""

from datetime import timedelta
from pathlib import Path

import pytest

from bkm.catalog.pricing import set_price
from bkm.clock import utcnow
from tests.factories import make_category, make_product


@pytest.fixture
def shop(db):
    chairs = make_category(
        slug="kontorstoler", name="Kontorstoler", description="Stoler til kontoret."
    )
    desks = make_category(slug="skrivebord", name="Skrivebord")
    long_ago = utcnow() - timedelta(days=90)
    capisco = make_product(
        category=chairs,
        slug="hag-capisco",
        title="HÅG Capisco 8106",
        brand="HÅG",
        condition="A",
        price_ore=450_000,
        at=long_ago,
    )
    set_price(capisco, 390_000, at=utcnow() - timedelta(days=1))
    make_product(
        category=chairs,
        slug="savo-s5",
        title="Savo S5 med støtte",
        brand="Savo",
        condition="C",
        price_ore=90_000,
    )
    make_product(
        category=desks, slug="eik-bord", title="Skrivebord i eik", brand="EFG", price_ore=250_000
    )
    make_product(
        category=desks, slug="solgt-bord", title="Solgt bord", brand="EFG", stock_quantity=0
    )
    make_product(category=desks, slug="skjult", title="Skjult bord", is_active=False)
    db.session.commit()


def text(response) -> str:
    return response.get_data(as_text=True)


def test_front_page_shows_new_arrivals_and_categories(client, shop):
    page = text(client.get("/"))
    assert "HÅG Capisco 8106" in page and "Skrivebord i eik" in page
    assert "Solgt bord" not in page and "Skjult bord" not in page
    assert 'href="/kategori/kontorstoler"' in page


@pytest.mark.req("R10.1")
@pytest.mark.parametrize(
    "url", ["/", "/kategori/kontorstoler", "/produkt/hag-capisco", "/sok?q=stol", "/finnes-ikke"]
)
def test_every_page_names_the_controller_in_the_footer(client, shop, url):
    page = text(client.get(url))
    for detail in (
        "Brukte Kontormøbler AS",
        "Svartbekkvegen 50",
        "2411 Elverum",
        "post@bruktekontormobler.no",
        "62 41 79 05",
        "974 408 597",
    ):
        assert detail in page, detail
    assert 'href="/personvern"' in page and 'href="/cookie-innstillinger"' in page


def test_category_page_lists_its_products_with_prices(client, shop):
    response = client.get("/kategori/kontorstoler")
    page = text(response)
    assert response.status_code == 200
    assert "HÅG Capisco 8106" in page and "Savo S5 med støtte" in page
    assert "Skrivebord i eik" not in page
    assert "kr\u00a03\u00a0900" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("tilstand=A", "HÅG Capisco 8106", "Savo S5 med støtte"),
        ("merke=Savo", "Savo S5 med støtte", "HÅG Capisco 8106"),
        ("min_pris=1000", "HÅG Capisco 8106", "Savo S5 med støtte"),
        ("maks_pris=1+000", "Savo S5 med støtte", "HÅG Capisco 8106"),
        ("sorter=pris-stigende&tilstand=A&tilstand=C", "Savo S5 med støtte", "Skrivebord i eik"),
    ],
)
def test_category_filters_from_the_query_string(client, shop, query, shown, hidden):
    page = text(client.get(f"/kategori/kontorstoler?{query}"))
    assert shown in page and hidden not in page


def test_in_stock_filter_hides_sold_items(client, shop):
    assert "Solgt bord" in text(client.get("/kategori/skrivebord"))
    assert "Solgt bord" not in text(client.get("/kategori/skrivebord?pa_lager=y"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("min_pris=mye", "Skriv et beløp i kroner"),
        ("min_pris=5000&maks_pris=100", "Til-prisen må være høyere enn fra-prisen"),
        ("maks_pris=99999999999", "Beløpet er for stort"),
    ],
)
def test_bad_filter_values_get_a_norwegian_message_not_an_error(client, shop, query, message):
    response = client.get(f"/kategori/kontorstoler?{query}")
    assert response.status_code == 200
    assert message in text(response)
    assert "HÅG Capisco 8106" in text(response)  # the bad filter is ignored, not guessed


@pytest.mark.parametrize("side", ["0", "-1", "abc", str(10**9), "2", "1e3", "%00"])
def test_category_pages_out_of_range_are_not_found(client, shop, side):
    assert client.get(f"/kategori/kontorstoler?side={side}").status_code == 404


def test_category_pagination_splits_the_listing(app, client, db):
    category = make_category(slug="mange")
    for n in range(30):
        make_product(
            category=category, title=f"Stol nummer {n:02d}", at=utcnow() - timedelta(minutes=n)
        )
    db.session.commit()
    first, second = text(client.get("/kategori/mange")), text(client.get("/kategori/mange?side=2"))
    assert "Stol nummer 00" in first and "Stol nummer 23" in first and "Stol nummer 24" not in first
    assert "Stol nummer 24" in second and "Stol nummer 29" in second
    assert "side=2" in first
    assert client.get("/kategori/mange?side=3").status_code == 404


@pytest.mark.parametrize(
    "url", ["/kategori/finnes-ikke", "/produkt/finnes-ikke", "/produkt/skjult"]
)
def test_unknown_or_hidden_slugs_are_not_found(client, shop, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Siden finnes ikke" in text(response)


def test_product_page_shows_details_and_the_before_price(client, shop):
    page = text(client.get("/produkt/hag-capisco"))
    assert "HÅG Capisco 8106" in page
    assert "kr\u00a03\u00a0900" in page  # today's price
    assert "kr\u00a04\u00a0500" in page  # lowest of the 30 days before the reduction
    assert 'data-testid="before-price"' in page
    assert "Som ny" in page


def test_product_without_reduction_shows_no_before_price(client, shop):
    assert 'data-testid="before-price"' not in text(client.get("/produkt/savo-s5"))


def test_sold_product_page_says_sold(client, shop):
    assert "Solgt" in text(client.get("/produkt/solgt-bord"))


@pytest.mark.parametrize("query", ["støtte", "STØTTE", "Capisco", "håg", "eik"])
def test_search_page_finds_products_with_norwegian_letters(client, shop, query):
    response = client.get("/sok", query_string={"q": query})
    assert response.status_code == 200
    assert 'data-testid="product-card"' in text(response)
    assert 'data-testid="no-results"' not in text(response)


def test_search_without_results_is_a_helpful_page(client, shop):
    response = client.get("/sok", query_string={"q": "sofagruppe"})
    page = text(response)
    assert response.status_code == 200
    assert 'data-testid="no-results"' in page
    assert 'href="/kategori/kontorstoler"' in page  # somewhere to go next


@pytest.mark.parametrize("query", ["", "   ", '"*', "x" * 3000, "NEAR(a b)", "%_\\"])
def test_search_survives_any_query(client, shop, query):
    assert client.get("/sok", query_string={"q": query}).status_code == 200


@pytest.mark.parametrize("side", ["0", "abc", "99"])
def test_search_pages_out_of_range_are_not_found(client, shop, side):
    assert client.get(f"/sok?q=stol&side={side}").status_code == 404


def test_product_images_are_served_from_the_media_folder(app, client, db):
    path = Path(app.config["MEDIA_DIR"]) / "test" / "bilde.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    response = client.get("/media/test/bilde.svg")
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert client.get("/media/../secret_key").status_code == 404
