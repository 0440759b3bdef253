"""Handing an order over in one or more parts, and the consumer's withdrawal deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bkm.clock import to_oslo, utcnow
from bkm.orders.models import Order, Shipment, ShipmentLine
from bkm.orders.statuses import CLOSED, PARTIALLY_SHIPPED, PICKED_UP, SHIPPED

WITHDRAWAL_DAYS = 14  # angrerettloven: from the day the consumer received the goods


class ShipmentError(ValueError):
    """A shipment the order cannot have; the message is for staff, in Norwegian."""


def withdrawal_deadline(received_on: date) -> date:
    """received_on + 14 days; a Saturday or Sunday moves to Monday (public holidays: not yet)."""
    deadline = received_on + timedelta(days=WITHDRAWAL_DAYS)
    while deadline.weekday() >= 5:
        deadline += timedelta(days=1)
    return deadline


def shipped_quantities(order: Order) -> dict[int, int]:
    """Units of each order line already shipped or handed over."""
    done = {line.id: 0 for line in order.lines}
    for shipment in order.shipments:
        for part in shipment.lines:
            done[part.order_line_id] += part.quantity
    return done


def record_shipment(
    order: Order,
    quantities: dict[int, int],
    *,
    method: str | None = None,
    tracking: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Shipment:
    """Record that `quantities` ({order_line_id: units}) left the shop. Does not commit.

    The status becomes "delvis sendt" while something is left, then "sendt"; a pickup order
    handed over in full becomes "hentet", and a consumer's withdrawal deadline starts then.
    """
    if order.status in CLOSED:
        raise ShipmentError(f"Ordren er {order.status_label.lower()}; ingenting mer kan sendes.")
    lines = {line.id: line for line in order.lines}
    done = shipped_quantities(order)
    parts = []
    for line_id, quantity in quantities.items():
        if line_id not in lines:
            raise ShipmentError("Linjen hører ikke til denne ordren.")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ShipmentError("Antall må være et helt tall fra 1 og oppover.")
        if done[line_id] + quantity > lines[line_id].quantity:
            raise ShipmentError(f"Det er ikke så mange igjen å sende av «{lines[line_id].title}».")
        parts.append(ShipmentLine(order_line_id=line_id, quantity=quantity))
    if not parts:
        raise ShipmentError("Velg minst én vare som sendes.")
    at = at or utcnow()
    shipment = Shipment(
        method=method or order.delivery_method,
        tracking=tracking,
        note=note,
        shipped_at=at,
        lines=parts,
    )
    order.shipments.append(shipment)
    for part in parts:
        done[part.order_line_id] += part.quantity
    complete = all(done[line_id] >= line.quantity for line_id, line in lines.items())
    if not complete:
        order.status = PARTIALLY_SHIPPED
    elif order.delivery_method == "pickup":
        order.status = PICKED_UP
        record_receipt(order, to_oslo(at).date())
    else:
        order.status = SHIPPED
    return shipment


def record_receipt(order: Order, received_on: date) -> None:
    """The customer has everything (delivered or picked up): the 14 days start for consumers."""
    if order.is_consumer:
        order.withdrawal_deadline_on = withdrawal_deadline(received_on)
