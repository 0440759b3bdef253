"""Holds: a started checkout keeps its items for 15 minutes, then lets them go."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bkm.cart import holds as holds_module
from bkm.cart.holds import EmptyCart, hold_cart, release_cart, release_expired
from bkm.cart.models import Cart, StockHold
from bkm.cart.stock import NotEnoughStock, SoldOut, available_quantity
from bkm.clock import utcnow
from tests.cart.conftest import add_to_cart, page
from tests.factories import make_cart, make_hold


def hold_rows(db) -> list[tuple[int, int, int]]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(StockHold.cart_id, StockHold.product_id, StockHold.quantity).order_by(
            StockHold.cart_id
        )
    )
    return [tuple(row) for row in rows]


def test_holding_a_cart_holds_every_line_for_15_minutes(db, desk, chairs):
    cart = make_cart(lines={desk: 1, chairs: 2})
    expires_at = hold_cart(cart)
    db.session.commit()
    assert timedelta(minutes=14) < expires_at - utcnow() <= timedelta(minutes=15)
    assert sorted(hold_rows(db)) == [(cart.id, desk.id, 1), (cart.id, chairs.id, 2)]


def test_holding_again_refreshes_instead_of_adding(db, desk):
    cart = make_cart(lines={desk: 1})
    first = hold_cart(cart, minutes=1)
    db.session.commit()
    second = hold_cart(cart)
    db.session.commit()
    assert second > first
    assert hold_rows(db) == [(cart.id, desk.id, 1)]
    assert db.session.scalar(sa.select(StockHold.expires_at)) == second


def test_another_carts_active_hold_makes_the_item_unavailable(db, desk):
    paying = make_cart(lines={desk: 1})
    hold_cart(paying)
    waiting = make_cart(lines={desk: 1})
    db.session.commit()

    assert available_quantity(desk, waiting) == 0
    assert available_quantity(desk, paying) == 1  # a cart's own hold never blocks it
    with pytest.raises(SoldOut) as refused:
        hold_cart(waiting)
    assert "reservert av en annen kunde" in refused.value.message


def test_an_expired_hold_no_longer_counts(db, desk):
    paying = make_cart(lines={desk: 1})
    make_hold(paying, desk, minutes=-1)
    waiting = make_cart(lines={desk: 1})
    db.session.commit()

    assert available_quantity(desk, waiting) == 1
    hold_cart(waiting)
    db.session.commit()
    assert hold_rows(db) == [(waiting.id, desk.id, 1)]  # the expired one was cleaned up


def test_a_hold_expires_when_the_clock_passes_15_minutes(db, desk, monkeypatch):
    paying = make_cart(lines={desk: 1})
    hold_cart(paying)
    waiting = make_cart(lines={desk: 1})
    db.session.commit()
    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr("bkm.cart.stock.utcnow", lambda: later)
    monkeypatch.setattr(holds_module, "utcnow", lambda: later)
    assert available_quantity(desk, waiting) == 1
    hold_cart(waiting)


def test_partly_held_stock_leaves_only_the_rest(db, chairs):
    make_hold(make_cart(lines={chairs: 2}), chairs, 2)
    waiting = make_cart(lines={chairs: 2})
    db.session.commit()
    with pytest.raises(NotEnoughStock) as refused:
        hold_cart(waiting)
    assert refused.value.available == 1
    assert "Vi har bare 1 stk." in refused.value.message


def test_an_item_bought_meanwhile_cannot_be_held(db, desk):
    cart = make_cart(lines={desk: 1})
    desk.stock_quantity = 0
    db.session.commit()
    with pytest.raises(SoldOut, match="er dessverre solgt"):
        hold_cart(cart)


def test_an_empty_cart_cannot_be_held(db):
    with pytest.raises(EmptyCart):
        hold_cart(make_cart())


def test_release_cart_lets_go_of_its_holds_only(db, desk, chairs):
    mine = make_cart(lines={desk: 1})
    theirs = make_cart(lines={chairs: 1})
    hold_cart(mine)
    hold_cart(theirs)
    assert release_cart(mine) == 1
    db.session.commit()
    assert hold_rows(db) == [(theirs.id, chairs.id, 1)]


def test_release_expired_deletes_only_holds_that_ran_out(db, desk, chairs):
    old = make_cart()
    make_hold(old, desk, minutes=-5)
    fresh = make_cart()
    make_hold(fresh, chairs, minutes=5)
    assert release_expired() == 1
    db.session.commit()
    assert hold_rows(db) == [(fresh.id, chairs.id, 1)]


def test_lines_no_longer_in_the_cart_lose_their_hold(db, desk, chairs):
    cart = make_cart(lines={desk: 1, chairs: 1})
    hold_cart(cart)
    cart.lines.remove(next(line for line in cart.lines if line.product_id == chairs.id))
    hold_cart(cart)
    db.session.commit()
    assert hold_rows(db) == [(cart.id, desk.id, 1)]


def test_visitor_cannot_add_an_item_held_in_someone_elses_checkout(client, db, desk):
    hold_cart(make_cart(lines={desk: 1}))
    db.session.commit()
    response = add_to_cart(client, desk)
    html = page(client.get(response.headers["Location"]))
    assert "er reservert av en annen kunde som er i kassen akkurat nå" in html


def test_visitor_can_add_an_item_whose_hold_expired(client, db, desk):
    make_hold(make_cart(lines={desk: 1}), desk, minutes=-1)
    db.session.commit()
    response = add_to_cart(client, desk)
    assert "Lagt i handlekurven" in page(client.get(response.headers["Location"]))


def test_cart_page_marks_a_line_held_by_another_checkout(client, db, desk):
    add_to_cart(client, desk)
    hold_cart(make_cart(lines={desk: 1}))
    db.session.commit()
    html = page(client.get("/handlekurv"))
    assert "Reservert – en annen kunde er i kassen med denne varen akkurat nå." in html
    assert "Ikke med i summen." in html


def test_changing_a_held_line_releases_its_hold(client, db, chairs):
    add_to_cart(client, chairs, 1)
    cart = db.session.scalar(sa.select(Cart))
    hold_cart(cart)
    db.session.commit()
    client.submit(
        "/handlekurv/antall", {"product_id": chairs.id, "quantity": "2"}, form_url="/handlekurv"
    )
    assert hold_rows(db) == []
