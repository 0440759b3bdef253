"""Staff hand an order over: ship all or some lines, or mark a pickup order as collected.

Both go through record_shipment (shipments.py), after the transition table allows the step.
"""

from __future__ import annotations

from bkm.orders.models import Order, Shipment
from bkm.orders.shipments import ShipmentError, record_shipment, shipped_quantities
from bkm.orders.statuses import PICKED_UP, SHIPPED
from bkm.orders.transitions import require_transition


def remaining_quantities(order: Order) -> dict[int, int]:
    """Units of each line not yet shipped or handed over."""
    done = shipped_quantities(order)
    return {line.id: line.quantity - done[line.id] for line in order.lines}


def ship_lines(
    order: Order,
    quantities: dict[int, int],
    *,
    by=None,
    method: str | None = None,
    tracking: str | None = None,
) -> Shipment:
    """Record a shipment of `quantities` ({order_line_id: units}; zeros are left out).

    Raises IllegalTransition or ShipmentError (both with a Norwegian message). Never commits.
    """
    require_transition(order, SHIPPED)
    wanted = {line_id: q for line_id, q in quantities.items() if q}
    return record_shipment(order, wanted, method=method, tracking=tracking)


def mark_picked_up(order: Order, *, by=None) -> Shipment:
    """The customer collected everything left of a pickup order: status hentet, and a
    consumer's 14-day withdrawal period starts today (record_receipt). Never commits."""
    require_transition(order, PICKED_UP)
    if order.delivery_method != "pickup":
        raise ShipmentError("Ordren skal leveres, ikke hentes. Registrer en forsendelse i stedet.")
    rest = {line_id: q for line_id, q in remaining_quantities(order).items() if q > 0}
    return record_shipment(order, rest, method="pickup")
