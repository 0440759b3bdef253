"""The cart pages: adding from a product page, changing and removing lines, bad input."""

from __future__ import annotations

import pytest

from bkm.cart.models import Cart
from bkm.money import format_kr
from tests.cart.conftest import add_to_cart, cart_rows, page
from tests.factories import make_cart, make_product
from tests.test_pages_render import assert_shop_page

QUANTITY_MESSAGE = "Antall må være et helt tall fra 1 til 999."
UNKNOWN_MESSAGE = "Vi fant ikke varen. Den kan være solgt eller fjernet fra nettbutikken."


def test_empty_cart_page_shows_a_way_back_to_the_shop(client, desk):
    client.has_chosen()  # past the consent banner, whose form would start a session
    response = client.get("/handlekurv")
    html = page(response)
    assert response.status_code == 200
    assert_shop_page(html)
    assert 'data-testid="cart-empty"' in html and "Handlekurven er tom" in html
    assert 'href="/kategori/skrivebord"' in html and "Se nye varer" in html
    assert "Set-Cookie" not in response.headers  # looking at nothing starts no session


def test_anonymous_visitor_adds_an_item_and_sees_it_with_totals_incl_mva(client, desk):
    response = add_to_cart(client, desk)
    assert response.status_code == 303
    assert response.headers["Location"] == "/produkt/hev-senkebord"
    product_page = page(client.get("/produkt/hev-senkebord"))
    assert "Lagt i handlekurven: Hev-/senkebord 160 cm." in product_page
    assert "Handlekurv (1" in product_page

    html = page(client.get("/handlekurv"))
    assert_shop_page(html)
    assert html.count('data-testid="cart-line"') == 1
    assert "Hev-/senkebord 160 cm" in html and "Tilstand B" in html
    assert 'data-testid="cart-remove"' in html
    assert f'data-testid="cart-total">{format_kr(250_000)}<' in html
    assert f'data-testid="cart-vat">{format_kr(50_000)}<' in html  # 20 % of the gross price
    assert "Totalt inkl. mva" in html


def test_logged_in_customer_gets_a_cart_of_their_own(client, db, desk, login_as, customer):
    login_as(customer)
    assert add_to_cart(client, desk).status_code == 303
    html = page(client.get("/handlekurv"))
    assert "Hev-/senkebord 160 cm" in html and "Handlekurv (1" in html
    cart = db.session.scalar(db.select(Cart))
    assert (cart.user_id, cart.token) == (customer.id, None)


def test_adding_more_than_the_stock_is_refused_with_what_is_left(client, db, chairs):
    add_to_cart(client, chairs, 2)
    response = add_to_cart(client, chairs, 2)
    html = page(client.get(response.headers["Location"]))
    assert (
        "Vi har bare 3 stk. av «Kinnarps 6000 kontorstol» tilgjengelig, og du har allerede 2 "
        "i handlekurven. Du kan legge til 1 til."
    ) in html
    assert cart_rows(db)[1] == [(chairs.id, 2)]
    add_to_cart(client, chairs, 1)
    assert cart_rows(db)[1] == [(chairs.id, 3)]
    html = page(client.get(add_to_cart(client, chairs, 1).headers["Location"]))
    assert "Du har allerede 3 stk. av «Kinnarps 6000 kontorstol» i handlekurven" in html


def test_the_last_single_item_cannot_be_added_twice(client, db, desk):
    add_to_cart(client, desk)
    html = page(client.get(add_to_cart(client, desk).headers["Location"]))
    assert "Du har allerede 1 stk. av «Hev-/senkebord 160 cm» i handlekurven" in html
    assert cart_rows(db) == (1, [(desk.id, 1)])


def test_quantity_can_be_changed_within_the_stock(client, db, chairs):
    add_to_cart(client, chairs, 1)
    html = page(client.get("/handlekurv"))
    assert 'name="quantity"' in html and '<option value="3">' in html
    response = client.submit(
        "/handlekurv/antall", {"product_id": chairs.id, "quantity": "3"}, form_url="/handlekurv"
    )
    assert response.status_code == 303 and response.headers["Location"] == "/handlekurv"
    assert "Antallet er endret." in page(client.get("/handlekurv"))
    assert cart_rows(db)[1] == [(chairs.id, 3)]

    response = client.submit(
        "/handlekurv/antall", {"product_id": chairs.id, "quantity": "4"}, form_url="/handlekurv"
    )
    assert "Vi har bare 3 stk. av «Kinnarps 6000 kontorstol» tilgjengelig." in page(
        client.get("/handlekurv")
    )
    assert cart_rows(db)[1] == [(chairs.id, 3)]


def test_removing_a_line_empties_the_cart(client, db, desk):
    add_to_cart(client, desk)
    response = client.submit("/handlekurv/fjern", {"product_id": desk.id}, form_url="/handlekurv")
    assert response.status_code == 303
    html = page(client.get("/handlekurv"))
    assert "Hev-/senkebord 160 cm er fjernet fra handlekurven." in html
    assert "Handlekurven er tom" in html and "Handlekurv (0" in html
    assert cart_rows(db)[1] == []


def test_changing_a_line_that_is_not_in_the_cart_says_so(client, db, desk, chairs):
    add_to_cart(client, desk)
    client.submit("/handlekurv/fjern", {"product_id": chairs.id}, form_url="/handlekurv")
    assert "«Kinnarps 6000 kontorstol» er ikke i handlekurven." in page(client.get("/handlekurv"))
    assert cart_rows(db)[1] == [(desk.id, 1)]


@pytest.mark.parametrize("path", ["/handlekurv/antall", "/handlekurv/fjern"])
def test_cart_page_forms_need_their_csrf_token(client, db, desk, path):
    add_to_cart(client, desk)
    response = client.post(path, data={"product_id": desk.id, "quantity": "1"})
    assert response.status_code == 400
    assert "Skjemaet er utløpt" in page(response)
    assert cart_rows(db)[1] == [(desk.id, 1)]


BAD_QUANTITIES = ["0", "-1", "abc", "1.5", " ", str(10**12), "9" * 10_000, "1" + "x" * 10_240]


@pytest.mark.parametrize("quantity", BAD_QUANTITIES, ids=lambda q: q[:12] or "blank")
def test_bad_quantity_on_add_gets_a_norwegian_message_and_changes_nothing(
    client, db, chairs, quantity
):
    response = add_to_cart(client, chairs, quantity)
    assert response.status_code == 303
    assert QUANTITY_MESSAGE in page(client.get(response.headers["Location"]))
    assert cart_rows(db) == (0, [])


def test_missing_quantity_on_add_is_refused(client, db, chairs):
    response = client.post(
        "/handlekurv/legg-til",
        data={"product_id": chairs.id},
        headers={"Origin": "http://localhost"},
    )
    assert QUANTITY_MESSAGE in page(client.get(response.headers["Location"]))
    assert cart_rows(db) == (0, [])


@pytest.mark.parametrize("quantity", BAD_QUANTITIES, ids=lambda q: q[:12] or "blank")
def test_bad_quantity_on_update_changes_nothing(client, db, chairs, quantity):
    add_to_cart(client, chairs, 2)
    client.submit(
        "/handlekurv/antall",
        {"product_id": chairs.id, "quantity": quantity},
        form_url="/handlekurv",
    )
    assert QUANTITY_MESSAGE in page(client.get("/handlekurv"))
    assert cart_rows(db)[1] == [(chairs.id, 2)]


@pytest.mark.parametrize(
    "product_id", ["", "abc", "-1", "0", "999999", str(10**30), "7" * 10_240], ids=str.__len__
)
def test_unknown_product_gets_a_message_and_no_cart(client, db, desk, product_id):
    response = add_to_cart(client, desk, product_id=product_id)
    assert response.status_code == 303 and response.headers["Location"] == "/handlekurv"
    assert UNKNOWN_MESSAGE in page(client.get("/handlekurv"))
    assert cart_rows(db) == (0, [])


def test_missing_product_id_is_refused(client, db):
    response = client.post(
        "/handlekurv/legg-til", data={"quantity": "1"}, headers={"Origin": "http://localhost"}
    )
    assert UNKNOWN_MESSAGE in page(client.get(response.headers["Location"]))
    assert cart_rows(db) == (0, [])


def test_inactive_product_cannot_be_added(client, db):
    hidden = make_product(is_active=False)
    db.session.commit()
    response = add_to_cart(client, hidden)
    assert UNKNOWN_MESSAGE in page(client.get(response.headers["Location"]))
    assert cart_rows(db) == (0, [])


def test_item_sold_meanwhile_is_marked_in_the_cart_and_left_out_of_the_total(
    client, db, desk, chairs
):
    add_to_cart(client, desk)
    add_to_cart(client, chairs, 2)
    desk.stock_quantity = 0  # another customer bought it
    db.session.commit()

    html = page(client.get("/handlekurv"))
    assert html.count('data-testid="cart-line"') == 2
    assert "Solgt – varen er solgt etter at du la den i handlekurven." in html
    assert "Ikke med i summen." in html
    assert f'data-testid="cart-total">{format_kr(240_000)}<' in html

    response = add_to_cart(client, desk)
    assert "«Hev-/senkebord 160 cm» er dessverre solgt." in page(
        client.get(response.headers["Location"])
    )


def test_less_stock_than_in_the_cart_is_explained_on_the_line(client, db, chairs):
    add_to_cart(client, chairs, 3)
    chairs.stock_quantity = 1
    db.session.commit()
    html = page(client.get("/handlekurv"))
    assert "Vi har bare 1 stk. tilgjengelig nå. Velg 1 eller færre" in html
    client.submit(
        "/handlekurv/antall", {"product_id": chairs.id, "quantity": "1"}, form_url="/handlekurv"
    )
    html = page(client.get("/handlekurv"))
    assert "Ikke med i summen." not in html
    assert f'data-testid="cart-total">{format_kr(120_000)}<' in html


def test_withdrawn_item_is_marked_in_the_cart(client, db, desk):
    add_to_cart(client, desk)
    desk.is_active = False
    db.session.commit()
    assert "Ikke lenger til salgs." in page(client.get("/handlekurv"))


def test_a_cart_token_from_nowhere_finds_no_cart(client, db, desk):
    make_cart(lines={desk: 1}, token="someone-elses-token")
    db.session.commit()
    with client.session_transaction() as session:
        session["cart"] = "a-guessed-token"
    html = page(client.get("/handlekurv"))
    assert "Handlekurven er tom" in html and "Handlekurv (0" in html


def test_checkout_button_only_while_every_line_can_be_bought(client, db, desk):
    add_to_cart(client, desk)
    assert 'data-testid="to-checkout"' in page(client.get("/handlekurv"))
    desk.stock_quantity = 0
    db.session.commit()
    assert 'data-testid="to-checkout"' not in page(client.get("/handlekurv"))


@pytest.mark.parametrize("path", ["/handlekurv/antall", "/handlekurv/fjern"])
def test_cart_page_forms_refuse_a_10_kb_product_id(client, db, desk, path):
    add_to_cart(client, desk)
    client.submit(path, {"product_id": "7" * 10_240, "quantity": "1"}, form_url="/handlekurv")
    assert UNKNOWN_MESSAGE in page(client.get("/handlekurv"))
    assert cart_rows(db)[1] == [(desk.id, 1)]
