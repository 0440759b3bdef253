"""/konto/ordre: a customer sees their own orders, status, shipments and deadline; no others."""

from __future__ import annotations

from datetime import UTC, datetime

from bkm.orders.shipments import record_shipment
from tests.factories import make_customer, make_order, make_product


def page(response) -> str:
    return response.get_data(as_text=True)


def test_customer_sees_their_orders_and_not_others(client, db, login_as, customer):
    mine = make_order(customer, {make_product(title="Min stol"): 1})
    theirs = make_order(make_customer(), {make_product(title="Andres bord"): 1})
    db.session.commit()
    login_as(customer)

    html = page(client.get("/konto/ordre"))
    assert mine.number in html and "Min stol" in html and "Mottatt" in html
    assert theirs.number not in html and "Andres bord" not in html

    assert client.get(f"/konto/ordre/{theirs.number}").status_code == 404
    assert client.get("/konto/ordre/BKM-999999").status_code == 404
    assert client.get("/konto/ordre/" + "9" * 5000).status_code == 404


def test_order_page_shows_lines_status_shipments_and_the_withdrawal_deadline(
    client, db, login_as, customer
):
    order = make_order(customer, {make_product(title="Hev-/senkebord"): 1})
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    record_shipment(order, {order.lines[0].id: 1}, method="pickup", at=at)
    db.session.commit()
    login_as(customer)

    html = page(client.get(f"/konto/ordre/{order.number}"))
    assert "Hev-/senkebord" in html
    assert 'data-testid="order-status">Hentet<' in html
    assert "02.03.2026" in html and "Angrefristen går ut 16.03.2026" in html


def test_order_pages_need_login(client, db):
    order = make_order()
    db.session.commit()
    for url in ("/konto/ordre", f"/konto/ordre/{order.number}"):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/logg-inn" in response.location


def test_a_guests_receipt_is_not_visible_to_another_logged_in_customer(
    app, client, db, login_as, customer
):
    order = make_order()
    db.session.commit()
    login_as(customer)
    assert client.get(f"/kasse/bekreftelse/{order.number}").status_code == 404
