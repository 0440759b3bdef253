"""record_shipment: an order shipped in parts, picked up, and the withdrawal deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bkm.orders.shipments import (
    ShipmentError,
    record_receipt,
    record_shipment,
    shipped_quantities,
    withdrawal_deadline,
)
from tests.factories import make_customer, make_order, make_product


@pytest.fixture
def two_line_order(db):
    chairs = make_product(stock_quantity=4)
    desk = make_product(stock_quantity=1)
    return make_order(lines={chairs: 3, desk: 1}, delivery_method="delivery")


def test_shipping_part_of_an_order_makes_it_delvis_sendt_then_sendt(db, two_line_order):
    order = two_line_order
    chairs_line, desk_line = order.lines

    record_shipment(order, {chairs_line.id: 2}, method="Bring", tracking="70712345")
    db.session.flush()
    assert order.status == "partially_shipped" and order.status_label == "Delvis sendt"
    assert shipped_quantities(order) == {chairs_line.id: 2, desk_line.id: 0}

    record_shipment(order, {chairs_line.id: 1, desk_line.id: 1})
    db.session.flush()
    assert order.status == "shipped" and order.status_label == "Sendt"
    assert len(order.shipments) == 2 and order.shipments[1].method == "delivery"
    assert order.withdrawal_deadline_on is None  # sent is not received


def test_a_pickup_order_handed_over_becomes_hentet_and_starts_the_consumer_deadline(db):
    order = make_order(lines={make_product(): 1})
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
    record_shipment(order, {order.lines[0].id: 1}, method="pickup", at=at)
    assert order.status == "picked_up" and order.status_label == "Hentet"
    assert order.withdrawal_deadline_on == date(2026, 3, 16)


def test_business_orders_get_no_withdrawal_deadline(db):
    order = make_order(make_customer(customer_type="business"))
    record_shipment(order, {order.lines[0].id: 1})
    assert order.status == "picked_up" and order.withdrawal_deadline_on is None


def test_delivery_received_sets_the_deadline_and_a_weekend_moves_it_to_monday(db):
    order = make_order(delivery_method="delivery")
    record_receipt(order, date(2026, 3, 7))  # Saturday + 14 = Saturday → Monday
    assert order.withdrawal_deadline_on == date(2026, 3, 23)
    assert withdrawal_deadline(date(2026, 3, 4)) == date(2026, 3, 18)


def test_more_than_was_ordered_or_a_foreign_line_is_refused(db, two_line_order):
    order = two_line_order
    chairs_line = order.lines[0]
    other = make_order()
    with pytest.raises(ShipmentError, match="ikke så mange igjen"):
        record_shipment(order, {chairs_line.id: 4})
    with pytest.raises(ShipmentError, match="hører ikke til"):
        record_shipment(order, {other.lines[0].id: 1})
    with pytest.raises(ShipmentError):
        record_shipment(order, {chairs_line.id: 0})
    with pytest.raises(ShipmentError):
        record_shipment(order, {})
    assert order.status == "received" and order.shipments == []


def test_nothing_more_ships_from_a_closed_order(db):
    order = make_order()
    record_shipment(order, {order.lines[0].id: 1})
    with pytest.raises(ShipmentError, match="ingenting mer kan sendes"):
        record_shipment(order, {order.lines[0].id: 1})
