"""A customer's own orders, for their order pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bkm.extensions import db
from bkm.orders.models import Order, Shipment

MAX_NUMBER_LENGTH = 20


def orders_of(customer_id: int) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.customer_id == customer_id)
            .order_by(Order.placed_at.desc(), Order.id.desc())
            .options(selectinload(Order.lines))
        )
    )


def find_order(number: str, customer_id: int | None = None) -> Order | None:
    """The order with this number, only if it belongs to customer_id when that is given."""
    if not number or len(number) > MAX_NUMBER_LENGTH:
        return None
    stmt = (
        select(Order)
        .where(Order.number == number)
        .options(
            selectinload(Order.lines),
            selectinload(Order.shipments).selectinload(Shipment.lines),
        )
    )
    if customer_id is not None:
        stmt = stmt.where(Order.customer_id == customer_id)
    return db.session.scalar(stmt)
