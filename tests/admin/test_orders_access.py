"""Every new /admin page and action is behind the area's one access check."""

from __future__ import annotations

import pytest

from bkm.orders.models import Order
from tests.factories import make_customer, make_order

ORDER_NUMBER = "BKM-100001"


@pytest.fixture
def order(db):
    order = make_order(make_customer())
    db.session.commit()
    return order


def pages(order: Order) -> list[str]:
    return [
        "/admin/ordrer",
        f"/admin/ordrer/{order.number}",
        f"/admin/kunder/{order.customer_id}",
    ]


def actions(order: Order) -> list[str]:
    return [
        f"/admin/ordrer/{order.number}/{step}"
        for step in ("bekreft", "send", "hentet", "kanseller")
    ]


def test_anonymous_visitors_are_sent_to_the_login(client, db, order):
    for url in pages(order) + actions(order):
        method = client.get if url in pages(order) else client.post
        response = method(url)
        assert response.status_code in (302, 400), url  # POST without a token: 400 first
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/konto/logg-inn?next="), url
    for url in pages(order):
        assert client.get(url).status_code == 302


def test_customers_are_forbidden_everywhere(client, db, login_as, customer, order):
    login_as(customer)
    token = client.csrf_token("/konto/send-bekreftelse")
    for url in pages(order):
        assert client.get(url).status_code == 403, url
    for url in actions(order):
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "received"


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_staff_and_managers_get_in(client, login_as, request, role, order):
    login_as(request.getfixturevalue(role))
    for url in pages(order):
        assert client.get(url).status_code == 200, url
