"""Staff confirm a received order: mottatt → bekreftet."""

from __future__ import annotations

from sqlalchemy import update

from bkm.extensions import db
from bkm.orders.models import Order
from bkm.orders.statuses import CONFIRMED
from bkm.orders.transitions import IllegalTransition, require_transition


def confirm_order(order: Order, by=None) -> None:
    """Mark the order confirmed. Never commits.

    The status changes with a conditional UPDATE, so two staff members clicking at once
    confirm it once; the second gets IllegalTransition.
    """
    require_transition(order, CONFIRMED)
    before = order.status
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == before)
        .values(status=CONFIRMED)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(order)
        raise IllegalTransition(order.status, CONFIRMED)
    db.session.refresh(order, ["status"])
