"""At login the anonymous cart joins the customer's cart, capped by what is available."""

from __future__ import annotations

import sqlalchemy as sa

from bkm.cart.cart import merge_carts
from bkm.cart.holds import hold_cart
from bkm.cart.models import Cart, StockHold
from tests.cart.conftest import add_to_cart, cart_rows, page
from tests.factories import make_cart, make_hold, make_product


def test_login_merges_the_anonymous_cart_into_the_customers_cart(
    client, db, desk, chairs, login_as, customer
):
    make_cart(user=customer, lines={chairs: 2})
    db.session.commit()
    add_to_cart(client, desk)
    add_to_cart(client, chairs, 2)  # 2 + 2 asked for, 3 in stock

    login_as(customer)

    carts, lines = cart_rows(db)
    assert carts == 1  # the anonymous cart is gone
    assert lines == [(desk.id, 1), (chairs.id, 3)]
    html = page(client.get("/handlekurv"))
    assert "Handlekurv (4" in html and html.count('data-testid="cart-line"') == 2
    assert "noen antall er justert: Kinnarps 6000 kontorstol: 3 stk." in html
    with client.session_transaction() as session:
        assert "cart" not in session  # the logged-in cart is found by user, not token


def test_customer_without_a_cart_takes_over_the_anonymous_one(client, db, desk, login_as, customer):
    add_to_cart(client, desk)
    with client.session_transaction() as session:
        token = session["cart"]

    login_as(customer)

    db.session.expire_all()
    cart = db.session.scalar(sa.select(Cart))
    assert (cart.user_id, cart.token) == (customer.id, None)
    html = page(client.get("/handlekurv"))
    assert "Hev-/senkebord 160 cm" in html and "justert" not in html

    thief = client.application.test_client()
    with thief.session_transaction() as session:
        session["cart"] = token  # the old secret opens nothing any more
    assert "Handlekurven er tom" in page(thief.get("/handlekurv"))


def test_the_cart_is_waiting_after_logging_out_and_in_again(client, db, desk, login_as, customer):
    login_as(customer)
    add_to_cart(client, desk)
    client.submit("/konto/logg-ut", form_url="/")
    assert "Handlekurv (0" in page(client.get("/handlekurv"))
    login_as(customer)
    assert "Hev-/senkebord 160 cm" in page(client.get("/handlekurv"))


def test_items_gone_meanwhile_are_left_out_of_the_merge_with_a_note(
    client, db, desk, chairs, login_as, customer
):
    make_cart(user=customer, lines={chairs: 1})
    db.session.commit()
    add_to_cart(client, desk)
    desk.stock_quantity = 0
    db.session.commit()

    login_as(customer)

    assert cart_rows(db) == (1, [(chairs.id, 1)])
    assert "Hev-/senkebord 160 cm: ikke tilgjengelig" in page(client.get("/handlekurv"))


def test_merge_never_lowers_what_the_customer_already_had(db, chairs):
    user_cart = make_cart(lines={chairs: 3})
    anonymous = make_cart(lines={chairs: 1})
    chairs.stock_quantity = 2
    adjustments = merge_carts(anonymous, user_cart)
    db.session.commit()
    assert [(a.wanted, a.got) for a in adjustments] == [(4, 3)]
    assert cart_rows(db) == (1, [(chairs.id, 3)])


def test_the_anonymous_carts_own_hold_does_not_block_the_merge(db, desk, customer):
    user_cart = make_cart(user=customer)
    anonymous = make_cart(lines={desk: 1})
    hold_cart(anonymous)
    assert merge_carts(anonymous, user_cart) == []
    db.session.commit()
    assert cart_rows(db) == (1, [(desk.id, 1)])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockHold)) == 0


def test_merge_respects_holds_of_other_checkouts(db, chairs, customer):
    make_hold(make_cart(lines={chairs: 2}), chairs, 2)
    user_cart = make_cart(user=customer)
    anonymous = make_cart(lines={chairs: 3})
    adjustments = merge_carts(anonymous, user_cart)
    db.session.commit()
    assert [(a.wanted, a.got) for a in adjustments] == [(3, 1)]
    db.session.expire_all()
    assert [line.quantity for line in db.session.get(Cart, user_cart.id).lines] == [1]


def test_login_without_an_anonymous_cart_changes_nothing(client, db, login_as, customer):
    other = make_product()
    make_cart(user=customer, lines={other: 1})
    db.session.commit()
    login_as(customer)
    assert cart_rows(db) == (1, [(other.id, 1)])
