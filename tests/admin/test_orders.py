"""Staff handle orders under /admin/ordrer: list, search, confirm, ship, pick up, cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bkm.catalog.models import Product
from bkm.clock import to_oslo, utcnow
from bkm.orders.models import Order, Shipment
from bkm.orders.shipments import withdrawal_deadline
from tests.accounts.helpers import CSRF_SALT, STALE_FORM_MESSAGE, signed_seconds_ago
from tests.factories import make_customer, make_order, make_product, ship_order


def html(response) -> str:
    return response.get_data(as_text=True)


def fresh(order: Order, db) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def stock(product: Product, db) -> int:
    db.session.expire_all()
    return db.session.get(Product, product.id).stock_quantity


def shipment_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Shipment))


@pytest.fixture
def chairs(db):
    return make_product(title="Kontorstol HÅG Capisco", stock_quantity=5)


@pytest.fixture
def desk(db):
    return make_product(title="Skrivebord 160 cm", stock_quantity=2)


@pytest.fixture
def delivery_order(db, chairs, desk):
    """Three chairs and a desk, to be delivered, for a private buyer; confirmed."""
    buyer = make_customer(name="Kari Nordmann", email="kari@example.no")
    order = make_order(buyer, {chairs: 3, desk: 1}, delivery_method="delivery")
    order.status = "confirmed"
    db.session.commit()
    return order


def pickup_order(db, customer_type="private", status="confirmed"):
    buyer = make_customer(customer_type=customer_type)
    order = make_order(buyer, {make_product(stock_quantity=2): 2})
    order.status = status
    db.session.commit()
    return order


def url(order, step: str = "") -> str:
    return f"/admin/ordrer/{order.number}" + (f"/{step}" if step else "")


def ship(client, order, quantities: dict, **fields):
    data = {f"antall-{line.id}": q for line, q in quantities.items()}
    data.setdefault("method", "Bring")
    data.update(fields)
    return client.submit(url(order, "send"), data, form_url=url(order))


# ---------- List and search ----------


def test_order_list_filters_by_status_and_searches_number_name_and_email(
    client, login_as, staff, db
):
    kari = make_order(make_customer(name="Kari Nordmann", email="kari@example.no"))
    ola = make_order(make_customer(name="Ola Haugen", email="ola@firma.no"))
    ola.status = "confirmed"
    db.session.commit()
    login_as(staff)

    def found(**query) -> set[str]:
        page = html(client.get("/admin/ordrer", query_string=query))
        return {o.number for o in (kari, ola) if o.number in page}

    assert found() == {kari.number, ola.number}
    assert found(status="confirmed") == {ola.number}
    assert found(status="received") == {kari.number}
    assert found(q=kari.number) == {kari.number}
    assert found(q=kari.number.removeprefix("BKM-")) == {kari.number}
    assert found(q="haugen") == {ola.number}
    assert found(q="KARI@example") == {kari.number}
    assert found(q="100%_") == set()
    assert found(status="bogus") == {kari.number, ola.number}  # ignored, with a message
    assert "Velg en status fra listen." in html(client.get("/admin/ordrer?status=bogus"))
    long_query = html(client.get("/admin/ordrer", query_string={"q": "x" * 10_240}))
    assert "Søket kan ha maks 100 tegn." in long_query
    assert kari.number in long_query and ola.number in long_query


def test_order_list_is_paginated(client, login_as, staff, db):
    buyer = make_customer()
    for _ in range(26):
        make_order(buyer)
    db.session.commit()
    login_as(staff)
    assert "Viser 1–25 av 26 ordrer" in html(client.get("/admin/ordrer"))
    assert "Viser 26–26 av 26 ordrer" in html(client.get("/admin/ordrer?side=2"))
    assert client.get("/admin/ordrer?side=3").status_code == 404
    assert client.get("/admin/ordrer?side=" + "9" * 10_000).status_code == 404


def test_order_page_shows_lines_buyer_and_actions(client, login_as, staff, delivery_order):
    login_as(staff)
    page = html(client.get(url(delivery_order)))
    assert "Kontorstol HÅG Capisco" in page and "Skrivebord 160 cm" in page
    assert "kari@example.no" in page and "Bekreftet" in page
    assert 'data-testid="ship-form"' in page and 'data-testid="cancel-form"' in page
    assert 'data-testid="confirm-form"' not in page
    assert client.get("/admin/ordrer/BKM-999999").status_code == 404
    assert client.get("/admin/ordrer/" + "x" * 10_240).status_code == 404


# ---------- Confirm ----------


def test_staff_confirm_a_received_order_once(client, login_as, staff, db):
    order = pickup_order(db, status="received")
    login_as(staff)

    response = client.submit(url(order, "bekreft"), form_url=url(order))

    assert response.status_code == 303 and response.headers["Location"].endswith(url(order))
    assert fresh(order, db).status == "confirmed"
    assert f"Ordre {order.number} er bekreftet." in html(client.get(url(order)))

    again = client.submit(url(order, "bekreft"), form_url=url(order))
    assert again.status_code == 303
    assert "Bare mottatte ordrer kan bekreftes." in html(client.get(url(order)))
    assert fresh(order, db).status == "confirmed"


# ---------- Ship ----------


def test_partial_shipment_then_the_rest_goes_delvis_sendt_then_sendt(
    client, login_as, staff, db, delivery_order
):
    chair_line, desk_line = delivery_order.lines
    login_as(staff)

    first = ship(client, delivery_order, {chair_line: 2, desk_line: 0}, tracking="70712345")
    assert first.status_code == 303
    order = fresh(delivery_order, db)
    assert order.status == "partially_shipped"
    assert [(p.order_line_id, p.quantity) for p in order.shipments[0].lines] == [(chair_line.id, 2)]
    assert order.shipments[0].method == "Bring" and order.shipments[0].tracking == "70712345"
    page = html(client.get(url(order)))
    assert "Forsendelsen er registrert" in page and "Delvis sendt" in page
    assert 'data-testid="cancel-form"' not in page

    second = ship(client, order, {chair_line: 1, desk_line: 1}, method="PostNord")
    assert second.status_code == 303
    order = fresh(delivery_order, db)
    assert order.status == "shipped"
    assert len(order.shipments) == 2
    assert 'data-testid="ship-form"' not in html(client.get(url(order)))


def test_shipping_needs_a_confirmed_order(client, login_as, staff, db):
    order = pickup_order(db, status="received")
    login_as(staff)
    ship(client, order, {order.lines[0]: 1}, method="pickup")
    assert fresh(order, db).status == "received" and shipment_count(db) == 0
    assert "må være bekreftet" in html(client.get(url(order)))


@pytest.mark.parametrize(
    ("chairs_value", "message"),
    [
        ("-1", "Antall for «Kontorstol HÅG Capisco» må være et helt tall fra 0 til 3."),
        ("abc", "Antall for «Kontorstol HÅG Capisco» må være et helt tall fra 0 til 3."),
        ("1.5", "Antall for «Kontorstol HÅG Capisco» må være et helt tall fra 0 til 3."),
        (str(10**12), "Antall for «Kontorstol HÅG Capisco» må være et helt tall fra 0 til 3."),
        ("4", "Antall for «Kontorstol HÅG Capisco» må være et helt tall fra 0 til 3."),
        ("7" * 10_240, "Antall for «Kontorstol HÅG Capisco» må være et helt tall fra 0 til 3."),
        ("٣", "Antall for «Kontorstol HÅG Capisco» må være et helt tall fra 0 til 3."),
        ("0", "Skriv inn antall for minst én vare som sendes."),
        ("", "Skriv inn antall for minst én vare som sendes."),
    ],
)
def test_bad_quantities_are_refused_in_norwegian_and_nothing_ships(
    client, login_as, staff, db, delivery_order, chairs_value, message
):
    chair_line, desk_line = delivery_order.lines
    login_as(staff)

    response = ship(client, delivery_order, {chair_line: chairs_value, desk_line: ""})

    assert response.status_code == 303
    assert message in html(client.get(url(delivery_order)))
    assert fresh(delivery_order, db).status == "confirmed"
    assert shipment_count(db) == 0


def test_more_than_remaining_after_a_partial_shipment_is_refused(
    client, login_as, staff, db, delivery_order
):
    chair_line, _desk = delivery_order.lines
    ship_order(delivery_order, {chair_line: 2})
    db.session.commit()
    login_as(staff)

    ship(client, delivery_order, {chair_line: 2})

    assert "må være et helt tall fra 0 til 1." in html(client.get(url(delivery_order)))
    assert shipment_count(db) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"method": "Rakettpost"}, "Velg hvordan varene sendes."),
        ({"method": ""}, "Velg hvordan varene sendes."),
        ({"tracking": "x" * 10_240}, "Sporingsnummeret kan ha maks 100 tegn."),
        ({"tracking": "abc\x00def"}, "Feltet inneholder tegn som ikke er tillatt."),
    ],
)
def test_bad_shipment_details_are_refused(
    client, login_as, staff, db, delivery_order, fields, message
):
    chair_line, _desk = delivery_order.lines
    login_as(staff)
    ship(client, delivery_order, {chair_line: 1}, **fields)
    assert message in html(client.get(url(delivery_order)))
    assert shipment_count(db) == 0


def test_a_stale_csrf_token_changes_nothing(
    client, login_as, staff, db, delivery_order, monkeypatch
):
    chair_line, _desk_line = delivery_order.lines
    login_as(staff)
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(url(delivery_order))

    for step, data in [
        ("send", {f"antall-{chair_line.id}": "3", "method": "Bring"}),
        ("kanseller", {}),
        ("bekreft", {}),
    ]:
        response = client.post(url(delivery_order, step), data={**data, "csrf_token": token})
        assert response.status_code == 400
        assert STALE_FORM_MESSAGE in html(response)

    response = client.post(url(delivery_order, "kanseller"), data={})  # no token at all
    assert response.status_code == 400
    assert fresh(delivery_order, db).status == "confirmed"
    assert shipment_count(db) == 0


# ---------- Picked up ----------


def test_picked_up_sets_the_withdrawal_deadline_for_a_private_buyer(client, login_as, staff, db):
    order = pickup_order(db, "private")
    login_as(staff)

    response = client.submit(url(order, "hentet"), form_url=url(order))

    assert response.status_code == 303
    order = fresh(order, db)
    assert order.status == "picked_up"
    assert order.withdrawal_deadline_on == withdrawal_deadline(to_oslo(utcnow()).date())
    assert order.withdrawal_deadline_on >= to_oslo(utcnow()).date() + timedelta(days=14)
    assert [p.quantity for p in order.shipments[0].lines] == [2]
    assert "registrert som hentet" in html(client.get(url(order)))


def test_picked_up_sets_no_withdrawal_deadline_for_a_business(client, login_as, staff, db):
    order = pickup_order(db, "business")
    login_as(staff)
    client.submit(url(order, "hentet"), form_url=url(order))
    order = fresh(order, db)
    assert order.status == "picked_up"
    assert order.withdrawal_deadline_on is None


def test_a_delivery_order_cannot_be_marked_picked_up(client, login_as, staff, db, delivery_order):
    login_as(staff)
    client.submit(url(delivery_order, "hentet"), form_url=url(delivery_order))
    assert fresh(delivery_order, db).status == "confirmed"
    assert "Ordren skal leveres, ikke hentes." in html(client.get(url(delivery_order)))


# ---------- Cancel ----------


def test_cancel_returns_every_line_to_stock(
    client, login_as, staff, db, delivery_order, chairs, desk
):
    assert (stock(chairs, db), stock(desk, db)) == (2, 1)
    login_as(staff)

    response = client.submit(url(delivery_order, "kanseller"), form_url=url(delivery_order))

    assert response.status_code == 303
    assert fresh(delivery_order, db).status == "cancelled"
    assert (stock(chairs, db), stock(desk, db)) == (5, 2)
    assert "er kansellert, og varene er lagt tilbake på lager" in html(
        client.get(url(delivery_order))
    )

    client.submit(url(delivery_order, "kanseller"), form_url=url(delivery_order))  # twice
    assert (stock(chairs, db), stock(desk, db)) == (5, 2)


def test_cancel_is_refused_once_something_has_shipped(
    client, login_as, staff, db, delivery_order, chairs, desk
):
    ship_order(delivery_order, {delivery_order.lines[0]: 1})
    db.session.commit()
    login_as(staff)

    client.submit(url(delivery_order, "kanseller"), form_url=url(delivery_order))

    assert fresh(delivery_order, db).status == "partially_shipped"
    assert (stock(chairs, db), stock(desk, db)) == (2, 1)
    assert "Ordren kan ikke kanselleres" in html(client.get(url(delivery_order)))


def test_a_received_order_can_be_cancelled_too(client, login_as, manager, db):
    order = pickup_order(db, status="received")
    product = order.lines[0].product
    login_as(manager)
    client.submit(url(order, "kanseller"), form_url=url(order))
    assert fresh(order, db).status == "cancelled"
    assert stock(product, db) == 2
