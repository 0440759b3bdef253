"""Holding a cart's items while its owner is in checkout, and letting them go again.

Most items are single units: while one customer pays, nobody else may take the item, but a
customer who walks away must not block it for long. A hold lasts HOLD_MINUTES; an expired
hold simply stops counting (every query compares expires_at with now), and release_expired()
deletes the leftovers.

Concurrency: hold_cart writes the holds first and checks the totals afterwards, inside the
caller's transaction. On PostgreSQL the product rows are locked (SELECT … FOR UPDATE), so two
checkouts of the same item run one after the other and the second sees the first one's hold.
SQLite has a single writer: once our holds are written, nobody else can commit until we do,
so the check after the write sees every hold that counts. The caller rolls back on an error.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bkm.cart.models import Cart, StockHold
from bkm.cart.stock import NotEnoughStock, SoldOut, held_by_others
from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.extensions import db

HOLD_MINUTES = 15


class EmptyCart(Exception):
    message = "Handlekurven er tom."


def hold_cart(cart: Cart, minutes: int = HOLD_MINUTES) -> datetime:
    """Hold every line of the cart until now + minutes; returns that moment.

    Places new holds and refreshes existing ones (a second call extends them). Raises SoldOut
    or NotEnoughStock for the first line that others have held or bought in the meantime.
    """
    lines = list(cart.lines)
    if not lines:
        raise EmptyCart()
    now = utcnow()
    expires_at = now + timedelta(minutes=minutes)
    product_ids = sorted(line.product_id for line in lines)
    products = {
        p.id: p
        for p in db.session.scalars(
            select(Product)
            .where(Product.id.in_(product_ids))
            .order_by(Product.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    release_expired(now)
    db.session.expire(cart, ["holds"])  # the bulk delete may have taken some of them

    existing = {hold.product_id: hold for hold in cart.holds}
    for line in lines:
        hold = existing.pop(line.product_id, None)
        if hold is None:
            cart.holds.append(
                StockHold(product_id=line.product_id, quantity=line.quantity, expires_at=expires_at)
            )
        else:
            hold.quantity = line.quantity
            hold.expires_at = expires_at
    for stale in existing.values():
        cart.holds.remove(stale)
    db.session.flush()

    others = held_by_others(product_ids, cart, now)
    for line in lines:
        product = products[line.product_id]
        available = max(product.stock_quantity - others[product.id], 0)
        if not product.is_active or available == 0:
            raise SoldOut(product)
        if line.quantity > available:
            raise NotEnoughStock(product, available)
    return expires_at


def release_cart(cart: Cart) -> int:
    """Let go of everything the cart holds (checkout abandoned or finished). Returns rows."""
    result = db.session.execute(delete(StockHold).where(StockHold.cart_id == cart.id))
    db.session.expire(cart, ["holds"])
    return result.rowcount


def release_expired(now: datetime | None = None) -> int:
    """Delete holds that have run out; they already stopped counting. Returns rows."""
    result = db.session.execute(delete(StockHold).where(StockHold.expires_at <= (now or utcnow())))
    return result.rowcount
