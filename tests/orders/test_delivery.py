"""Staff mark a delivery order as delivered; a private buyer's withdrawal deadline starts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bkm.clock import oslo_today as today
from bkm.clock import utcnow
from bkm.orders.delivery import OrderDelivery, delivered_on, mark_delivered
from bkm.orders.models import Order
from bkm.orders.shipments import ShipmentError, withdrawal_deadline
from tests.factories import make_customer, make_order, make_product, ship_all, ship_order


def shipped_delivery_order(db, customer_type="private", days_ago=1):
    order = make_order(make_customer(customer_type=customer_type), delivery_method="delivery")
    order.status = "confirmed"
    ship_all(order, at=utcnow() - timedelta(days=days_ago))
    db.session.commit()
    return order


def deliveries(db) -> int:
    return db.session.scalar(select(func.count()).select_from(OrderDelivery))


def test_marking_a_private_order_delivered_starts_the_14_day_deadline(db, staff):
    order = shipped_delivery_order(db)
    day = today() - timedelta(days=1)
    mark_delivered(order, day, by=staff)
    db.session.commit()
    assert order.withdrawal_deadline_on == withdrawal_deadline(day)
    assert day + timedelta(days=14) <= order.withdrawal_deadline_on <= day + timedelta(days=16)
    assert delivered_on(order) == day


def test_marking_a_business_order_delivered_gives_no_withdrawal_deadline(db, staff):
    order = shipped_delivery_order(db, customer_type="business")
    mark_delivered(order, by=staff)
    db.session.commit()
    assert order.withdrawal_deadline_on is None
    assert delivered_on(order) == today()


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (timedelta(days=1), "kan ikke være fram i tid"),
        (timedelta(days=-10), "kan ikke være før siste forsendelse"),
    ],
)
def test_delivery_date_in_the_future_or_before_shipping_is_refused(db, shift, message):
    order = shipped_delivery_order(db, days_ago=2)
    with pytest.raises(ShipmentError, match=message):
        mark_delivered(order, today() + shift)
    assert order.withdrawal_deadline_on is None


def test_only_fully_shipped_delivery_orders_can_be_marked_delivered_and_only_once(db):
    part = make_order(
        make_customer(), {make_product(stock_quantity=2): 2}, delivery_method="delivery"
    )
    part.status = "confirmed"
    ship_order(part, {part.lines[0]: 1})
    with pytest.raises(ShipmentError, match="Bare ferdig sendte"):
        mark_delivered(part)
    pickup = make_order(make_customer())
    with pytest.raises(ShipmentError, match="skal hentes"):
        mark_delivered(pickup)
    order = shipped_delivery_order(db)
    mark_delivered(order)
    with pytest.raises(ShipmentError, match="allerede registrert"):
        mark_delivered(order)


def test_picked_up_order_counts_as_delivered_on_the_handover_day(db):
    order = make_order(make_customer())
    order.status = "confirmed"
    ship_all(order)
    assert delivered_on(order) == today()


# ---------- The "Levert" action on the admin order page ----------


def url(order, step=""):
    return f"/admin/ordrer/{order.number}" + (f"/{step}" if step else "")


def test_staff_mark_delivered_on_the_order_page(client, login_as, staff, db):
    order = shipped_delivery_order(db, days_ago=3)
    login_as(staff)
    page = client.get(url(order)).get_data(as_text=True)
    assert 'data-testid="delivered-form"' in page
    day = today() - timedelta(days=2)
    response = client.submit(url(order, "levert"), {"levert": day.isoformat()}, form_url=url(order))
    assert response.status_code == 303
    page = client.get(url(order)).get_data(as_text=True)
    assert f"registrert som levert {day:%d.%m.%Y}" in page
    assert 'data-testid="delivered-form"' not in page
    db.session.expire_all()
    assert db.session.get(Order, order.id).withdrawal_deadline_on == withdrawal_deadline(day)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("i går", "Skriv leveringsdatoen som dato"),
        ("x" * 10_240, "Skriv leveringsdatoen som dato"),
        ((today() + timedelta(days=1)).isoformat(), "kan ikke være fram i tid"),
    ],
)
def test_a_bad_delivery_date_changes_nothing(client, login_as, staff, db, value, message):
    order = shipped_delivery_order(db)
    login_as(staff)
    client.submit(url(order, "levert"), {"levert": value}, form_url=url(order))
    assert message in client.get(url(order)).get_data(as_text=True)
    assert deliveries(db) == 0
