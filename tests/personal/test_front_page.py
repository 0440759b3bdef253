"""The front page of a consenting customer (R2.2, R1.2), and everybody else's."""

from __future__ import annotations

import re

import pytest

from tests.consent.helpers import choose
from tests.factories import make_order
from tests.personal.conftest import product_in, profile

PICKS = 'data-testid="personal-picks"'
OFFERS = 'data-testid="personal-offers"'


def main_of(response) -> str:
    """The page's <main>: what differs between visitors apart from the header."""
    assert response.status_code == 200
    return re.search(r"<main.*?</main>", response.get_data(as_text=True), re.S).group(0)


def section(html: str, testid: str) -> str:
    found = re.search(rf'<section[^>]*data-testid="{testid}".*?</section>', html, re.S)
    return found.group(0) if found else ""


@pytest.fixture
def catalogue(tree, db):
    found = {
        "desk": product_in(tree.desks, title="Skrivebord Kinnarps", slug="sb-1", days_old=3),
        "other_desk": product_in(
            tree.desks, title="Skrivebord EFG", slug="sb-2", brand="EFG", days_old=2
        ),
        "sofa": product_in(tree.sofas, title="Sofa Savo", slug="sofa", brand="Savo", days_old=1),
    }
    db.session.commit()
    return found


@pytest.mark.req("R2.2")
@pytest.mark.req("R1.2")
def test_a_consenting_customer_who_browsed_desks_gets_desks_until_withdrawing(
    client, login_as, consenting, catalogue
):
    login_as(consenting)
    generic = main_of(client.get("/"))
    assert PICKS not in generic and OFFERS not in generic  # nothing seen yet: no sections

    client.get("/produkt/sb-1")
    personal = main_of(client.get("/"))
    picks = section(personal, "personal-picks")
    assert "Utvalgt for deg" in picks
    assert "Skrivebord EFG" in picks and "Skrivebord Kinnarps" in picks
    assert "Sofa Savo" not in picks

    choose(client, "avsla-alle", channel="settings")
    client.get("/kontakt")  # shows the "saved" message
    assert main_of(client.get("/")) == generic
    assert profile(consenting) == {}


def test_without_the_consent_the_front_page_is_the_same_for_everyone(
    client, login_as, customer, catalogue, db
):
    make_order(customer, {catalogue["desk"]: 1})  # a purchase makes no offers
    db.session.commit()
    login_as(customer)
    client.get("/produkt/sb-2")  # and a view is recorded nowhere
    anonymous = main_of(client.application.test_client().has_chosen().get("/"))
    assert main_of(client.get("/")) == anonymous
    assert profile(customer) == {}


@pytest.mark.req("R1.2")
def test_an_earlier_desk_purchase_brings_offers_of_chairs_and_lamps(
    client, login_as, consenting, tree, db
):
    desk = product_in(tree.desks, title="Skrivebord", stock_quantity=1)
    product_in(tree.ergonomic, title="Kontorstol HÅG", brand="HÅG", price_ore=300_000, days_old=40)
    product_in(tree.desk_lamps, title="Skrivebordslampe Luxo", brand="Luxo")
    product_in(tree.sofas, title="Sofa Savo", brand="Savo")
    make_order(consenting, {desk: 1})
    db.session.commit()
    login_as(consenting)

    offers = section(main_of(client.get("/")), "personal-offers")

    assert "Tilbud til deg" in offers
    assert "Kontorstol HÅG" in offers and "Skrivebordslampe Luxo" in offers
    assert offers.count('data-testid="product-card"') == 2  # not the sofa, not the desk again
