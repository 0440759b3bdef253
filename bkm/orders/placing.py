"""Placing an order: the atomic stock decrement, price snapshot, totals and order number.

place_order never commits. The caller (the checkout view) commits once, so the order, its
stock decrement and its confirmation mail commit together, or roll back together.

No overselling: each line is one conditional UPDATE (`… SET stock_quantity = stock_quantity
- q WHERE id = … AND stock_quantity >= q AND is_active`). On PostgreSQL the UPDATE locks the
row, so a concurrent checkout waits and then finds the condition false. On SQLite the first
UPDATE takes the database's single write lock (a concurrent writer waits up to the busy
timeout), so the check and the decrement cannot interleave with another checkout. The
decrement runs first and prices are read after it, inside the same write transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from bkm.accounts.models import User
from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.extensions import db
from bkm.money import vat_part_ore
from bkm.orders.models import DELIVERY_METHODS, PAYMENT_METHODS, Order, OrderLine
from bkm.orders.statuses import RECEIVED

ORDER_NUMBER_OFFSET = 100_000  # BKM-100001 is the first order
INVOICE_DAYS = 14


class OrderError(Exception):
    message = "Bestillingen kunne ikke fullføres."

    def __str__(self) -> str:
        return self.message


class SoldOut(OrderError):
    """A line cannot be had: sold (or not enough left) or no longer for sale."""

    def __init__(self, product_id: int, title: str, *, is_active: bool, left: int) -> None:
        self.product_id = product_id
        self.title = title
        if not is_active:
            self.message = f"«{title}» er ikke lenger til salgs."
        elif left == 0:
            self.message = f"«{title}» er dessverre solgt."
        else:
            self.message = (
                f"Vi har bare {left} stk. av «{title}» igjen; resten er solgt. "
                "Endre antallet i handlekurven og prøv igjen."
            )


class EmptyOrder(OrderError):
    message = "Handlekurven er tom."


@dataclass(frozen=True)
class CheckoutDetails:
    """What the buyer chose at checkout, already validated by the form."""

    customer_type: str  # "private" | "business"
    name: str
    email: str
    phone: str  # E.164
    street: str
    postcode: str
    city: str
    delivery_method: str  # "pickup" | "delivery"
    payment_method: str  # "invoice" | "pickup"
    company_name: str | None = None
    org_number: str | None = None
    delivery_street: str | None = None  # None: deliver to the buyer's address
    delivery_postcode: str | None = None
    delivery_city: str | None = None

    def __post_init__(self) -> None:
        if self.delivery_method not in DELIVERY_METHODS:
            raise ValueError(f"unknown delivery method {self.delivery_method!r}")
        if self.payment_method not in PAYMENT_METHODS:
            raise ValueError(f"unknown payment method {self.payment_method!r}")
        if self.payment_method == "pickup" and self.delivery_method != "pickup":
            raise ValueError("payment at pickup needs pickup")
        if self.customer_type == "business" and not (self.company_name and self.org_number):
            raise ValueError("a business order needs company name and org.nr")


def shipping_price_ore(delivery_method: str) -> int:
    if delivery_method != "delivery":
        return 0
    return int(current_app.config["SHIPPING_PRICE_ORE"])


def order_number(order_id: int) -> str:
    return f"BKM-{ORDER_NUMBER_OFFSET + order_id}"


def _merged(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for product_id, quantity in lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValueError(f"bad quantity {quantity!r} for product {product_id}")
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    return wanted


def take_stock(wanted: dict[int, int]) -> None:
    """Decrement every product's stock or raise SoldOut; in product id order (no deadlocks)."""
    for product_id in sorted(wanted):
        quantity = wanted[product_id]
        result = db.session.execute(
            update(Product)
            .where(
                Product.id == product_id,
                Product.stock_quantity >= quantity,
                Product.is_active.is_(True),
            )
            .values(stock_quantity=Product.stock_quantity - quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            row = db.session.execute(
                select(Product.title, Product.is_active, Product.stock_quantity).where(
                    Product.id == product_id
                )
            ).one_or_none()
            if row is None:
                raise SoldOut(product_id, "Varen", is_active=False, left=0)
            raise SoldOut(product_id, row.title, is_active=row.is_active, left=row.stock_quantity)


def place_order(
    customer: User,
    lines: list[tuple[int, int]],
    checkout: CheckoutDetails,
    *,
    unit_prices: Mapping[int, int] | None = None,
) -> Order:
    """Decrement stock, snapshot prices and buyer, add the order and flush. Never commits.

    `unit_prices` ({product id: øre incl. MVA}) are agreed prices, e.g. an accepted quote's
    (bkm.orders.quotes); the buyer never pays more than today's shop price.

    Raises SoldOut (the caller rolls back: the decrements of earlier lines go with it),
    EmptyOrder, or ValueError for input the form should have refused.
    """
    wanted = _merged(lines)
    if not wanted:
        raise EmptyOrder()
    take_stock(wanted)
    products = {
        p.id: p
        for p in db.session.scalars(
            select(Product).where(Product.id.in_(wanted)).execution_options(populate_existing=True)
        )
    }
    order_lines = []
    for product_id in sorted(wanted):
        product = products[product_id]
        unit_price = min((unit_prices or {}).get(product_id, product.price_ore), product.price_ore)
        line_total = unit_price * wanted[product_id]
        order_lines.append(
            OrderLine(
                product_id=product.id,
                sku=product.sku,
                title=product.title,
                condition=product.condition,
                quantity=wanted[product_id],
                unit_price_ore=unit_price,
                line_total_ore=line_total,
                # Margin-scheme goods show no MVA amount to the buyer (avansesystemet).
                vat_ore=vat_part_ore(line_total) if product.vat_scheme == "standard" else 0,
                vat_scheme=product.vat_scheme,
            )
        )
    subtotal = sum(line.line_total_ore for line in order_lines)
    shipping = shipping_price_ore(checkout.delivery_method)
    delivery = checkout.delivery_method == "delivery"
    business = checkout.customer_type == "business"
    order = Order(
        number=f"pending-{uuid.uuid4().hex[:12]}",  # replaced by the id-based number below
        customer_id=customer.id,
        customer_type=checkout.customer_type,
        status=RECEIVED,
        name=checkout.name,
        email=checkout.email,
        phone=checkout.phone,
        street=checkout.street,
        postcode=checkout.postcode,
        city=checkout.city,
        company_name=checkout.company_name if business else None,
        org_number=checkout.org_number if business else None,
        delivery_method=checkout.delivery_method,
        delivery_street=(checkout.delivery_street or checkout.street) if delivery else None,
        delivery_postcode=(checkout.delivery_postcode or checkout.postcode) if delivery else None,
        delivery_city=(checkout.delivery_city or checkout.city) if delivery else None,
        payment_method=checkout.payment_method,
        subtotal_ore=subtotal,
        shipping_ore=shipping,
        total_ore=subtotal + shipping,
        vat_ore=sum(line.vat_ore for line in order_lines) + vat_part_ore(shipping),
        placed_at=utcnow(),
        lines=order_lines,
    )
    db.session.add(order)
    db.session.flush()  # the id: unique on both engines without a lock of our own
    order.number = order_number(order.id)
    db.session.flush()
    return order
