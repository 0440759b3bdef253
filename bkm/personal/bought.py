"""What a customer has bought (cancelled orders aside), and what is still for sale to them."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from bkm.catalog.models import Product
from bkm.extensions import db
from bkm.orders.statuses import CANCELLED

# bkm.orders.models is imported inside the functions: the catalogue's views import this
# package, and orders.models imports the catalogue (and accounts, which import orders
# again), so a module-level import would make the catalogue unloadable on its own.


def _bought_lines(user_id: int) -> Select:
    from bkm.orders.models import Order, OrderLine

    return (
        select(OrderLine.product_id)
        .join(Order, OrderLine.order_id == Order.id)
        .where(
            Order.customer_id == user_id,
            Order.status != CANCELLED,
            OrderLine.product_id.is_not(None),
        )
    )


def for_sale_to(user_id: int) -> Select:
    """Active products in stock that the customer has not bought already."""
    return select(Product).where(
        Product.is_active.is_(True),
        Product.stock_quantity > 0,
        Product.id.not_in(_bought_lines(user_id)),
    )


def bought_category_ids(user_id: int) -> list[int]:
    """The categories of everything the customer bought, the latest purchase's first."""
    from bkm.orders.models import Order, OrderLine

    last_bought = func.max(Order.placed_at)
    rows = db.session.execute(
        select(Product.category_id, last_bought)
        .join(OrderLine, OrderLine.product_id == Product.id)
        .join(Order, OrderLine.order_id == Order.id)
        .where(Order.customer_id == user_id, Order.status != CANCELLED)
        .group_by(Product.category_id)
        .order_by(last_bought.desc(), Product.category_id)
    )
    return [category_id for category_id, _at in rows]
