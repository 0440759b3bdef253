"""Which status an order may move to from which: the one table every staff action checks."""

from __future__ import annotations

from sqlalchemy import update

from bkm.extensions import db
from bkm.orders.models import Order
from bkm.orders.statuses import (
    CANCELLED,
    CONFIRMED,
    PARTIALLY_SHIPPED,
    PICKED_UP,
    RECEIVED,
    SHIPPED,
    label,
)

TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({CONFIRMED, CANCELLED}),
    CONFIRMED: frozenset({PARTIALLY_SHIPPED, SHIPPED, PICKED_UP, CANCELLED}),
    PARTIALLY_SHIPPED: frozenset({PARTIALLY_SHIPPED, SHIPPED, PICKED_UP}),
    SHIPPED: frozenset(),
    PICKED_UP: frozenset(),
    CANCELLED: frozenset(),
}

# What staff are told when a step is not possible from the order's status.
REFUSALS = {
    CONFIRMED: "Bare mottatte ordrer kan bekreftes.",
    CANCELLED: "Ordren kan ikke kanselleres: noe er allerede sendt eller hentet, "
    "eller ordren er allerede avsluttet.",
    PARTIALLY_SHIPPED: "Ordren må være bekreftet og ikke ferdig sendt før noe kan sendes.",
    SHIPPED: "Ordren må være bekreftet og ikke ferdig sendt før noe kan sendes.",
    PICKED_UP: "Ordren må være bekreftet og ikke ferdig levert før den kan markeres som hentet.",
}


class IllegalTransition(Exception):
    """A step the order's status does not allow; the message is for staff, in Norwegian."""

    def __init__(self, current: str, target: str) -> None:
        self.current = current
        self.target = target
        reason = REFUSALS.get(target, "Det går ikke med denne ordren.")
        super().__init__(f"{reason} Ordren har status «{label(current)}».")


def can_move(order: Order, target: str) -> bool:
    return target in TRANSITIONS.get(order.status, frozenset())


def require_transition(order: Order, target: str) -> None:
    if not can_move(order, target):
        raise IllegalTransition(order.status, target)


def move(order: Order, target: str) -> None:
    """Change the order's status, checked against the table and raced safely. Never commits.

    A conditional UPDATE (WHERE status is still what we read) means two staff members
    clicking at once move the order once; the second gets IllegalTransition.
    """
    require_transition(order, target)
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == order.status)
        .values(status=target)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(order)
        raise IllegalTransition(order.status, target)
    db.session.refresh(order, ["status"])
