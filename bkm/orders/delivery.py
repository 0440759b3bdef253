"""Staff mark a delivery order as delivered: the day the customer received everything.

For a private buyer that day starts the 14-day withdrawal period (record_receipt). Pickup
orders need no such step: handing over the last item is the receipt (shipments.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column

from bkm.clock import oslo_today, to_oslo, utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db
from bkm.orders.models import Order
from bkm.orders.shipments import ShipmentError, record_receipt
from bkm.orders.statuses import PICKED_UP, SHIPPED


class OrderDelivery(db.Model):
    """When a shipped order reached the customer, and who on the staff recorded it."""

    __tablename__ = "order_deliveries"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    delivered_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


def delivered_on(order: Order) -> date | None:
    """The day the customer had everything: marked delivered, or the last pickup handover."""
    if order.status == PICKED_UP and order.shipments:
        return to_oslo(max(s.shipped_at for s in order.shipments)).date()
    return db.session.scalar(
        select(OrderDelivery.delivered_on).where(OrderDelivery.order_id == order.id)
    )


def can_mark_delivered(order: Order) -> bool:
    return (
        order.delivery_method == "delivery"
        and order.status == SHIPPED
        and delivered_on(order) is None
    )


def mark_delivered(order: Order, on: date | None = None, by=None) -> OrderDelivery:
    """Record that a fully shipped delivery order reached the customer on `on` (default
    today): not in the future, not before the last shipment left. Raises ShipmentError
    (Norwegian). Never commits."""
    on = on or oslo_today()
    if order.delivery_method != "delivery":
        raise ShipmentError("Ordren skal hentes; den blir levert når kunden har hentet alt.")
    if order.status != SHIPPED:
        raise ShipmentError(
            f"Bare ferdig sendte ordrer kan markeres som levert. Ordren har status "
            f"«{order.status_label}»."
        )
    if delivered_on(order) is not None:
        raise ShipmentError("Ordren er allerede registrert som levert.")
    if on > oslo_today():
        raise ShipmentError("Leveringsdatoen kan ikke være fram i tid.")
    last_shipped = to_oslo(max(s.shipped_at for s in order.shipments)).date()
    if on < last_shipped:
        raise ShipmentError(
            f"Leveringsdatoen kan ikke være før siste forsendelse ({last_shipped:%d.%m.%Y})."
        )
    delivery = OrderDelivery(
        order_id=order.id, delivered_on=on, recorded_by_id=getattr(by, "id", None)
    )
    db.session.add(delivery)
    record_receipt(order, on)
    return delivery
