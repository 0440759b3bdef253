"""Staff confirm a received order: mottatt → bekreftet."""

from __future__ import annotations

from bkm.orders.models import Order
from bkm.orders.statuses import CONFIRMED
from bkm.orders.transitions import move


def confirm_order(order: Order, by=None) -> None:
    """Mark the order confirmed (once, however many click at once). Never commits."""
    move(order, CONFIRMED)
