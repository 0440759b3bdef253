"""Product pages stay in the anonymous micro-cache although they carry the add-to-cart form."""

from __future__ import annotations

from tests.cart.conftest import add_to_cart, page
from tests.test_page_cache import rename_behind_the_orms_back


def test_product_page_with_the_cart_form_is_still_cached_for_anonymous_visitors(client, db, chairs):
    client.has_chosen()  # a first visit shows the consent banner, whose form has a token
    first = client.get("/produkt/kinnarps-6000")
    html = page(first)
    assert 'data-testid="add-to-cart"' in html and "Legg i handlekurv" in html
    assert 'name="csrf_token"' not in html  # a token would start a session
    assert '<option value="3">' in html and '<option value="4">' not in html
    assert "Handlekurv (0" in html
    assert "Set-Cookie" not in first.headers

    rename_behind_the_orms_back(db, "Ny tittel")
    assert "Kinnarps 6000 kontorstol" in page(client.get("/produkt/kinnarps-6000"))


def test_a_visitor_with_a_cart_sees_their_count_not_the_shared_page(client, app, db, chairs):
    client.get("/produkt/kinnarps-6000")  # cached for everyone without a session
    add_to_cart(client, chairs, 2)
    rename_behind_the_orms_back(db, "Ny tittel")

    mine = page(client.get("/produkt/kinnarps-6000"))
    assert "Handlekurv (2" in mine and "Ny tittel" in mine

    shared = page(app.test_client().get("/produkt/kinnarps-6000"))
    assert "Handlekurv (0" in shared and "Kinnarps 6000 kontorstol" in shared


def test_single_items_need_no_quantity_choice_and_sold_items_no_form(client, db, desk):
    html = page(client.get("/produkt/hev-senkebord"))
    assert 'name="quantity" value="1"' in html and '<select id="antall"' not in html
    desk.stock_quantity = 0
    db.session.commit()
    html = page(client.get("/produkt/hev-senkebord"))
    assert 'data-testid="add-to-cart"' not in html and "Solgt" in html
