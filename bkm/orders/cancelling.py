"""Cancelling an order before anything has left the shop, with its stock put back."""

from __future__ import annotations

from sqlalchemy import update

from bkm.catalog.models import Product
from bkm.extensions import db
from bkm.orders.models import Order
from bkm.orders.shipments import shipped_quantities
from bkm.orders.statuses import CANCELLED
from bkm.orders.transitions import IllegalTransition, move


def cancel_order(order: Order, by=None) -> dict[int, int]:
    """Cancel the order and return each line's units to stock; returns {product_id: units}.

    Only while nothing has shipped. Never commits. The status changes first with a
    conditional UPDATE (two clicks at once cancel once and return the stock once); each
    product then gets `stock_quantity = stock_quantity + q` in the database, so a concurrent
    checkout's decrement is never lost. Lines whose product was deleted return nothing.
    """
    if any(shipped_quantities(order).values()):
        raise IllegalTransition(order.status, CANCELLED)
    move(order, CANCELLED)  # first, so two clicks at once return the stock once

    returned: dict[int, int] = {}
    for line in order.lines:
        if line.product_id is not None:
            returned[line.product_id] = returned.get(line.product_id, 0) + line.quantity
    for product_id in sorted(returned):  # id order, as placing takes stock: no deadlocks
        db.session.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(stock_quantity=Product.stock_quantity + returned[product_id])
            .execution_options(synchronize_session=False)
        )
    for product in db.session.identity_map.values():
        if isinstance(product, Product) and product.id in returned:
            db.session.expire(product, ["stock_quantity"])
    return returned
