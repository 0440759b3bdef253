"""What a visitor can still put in a cart: stock minus what other carts hold in checkout.

Also the domain exceptions of the cart; each carries the Norwegian message a page shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select

from bkm.cart.models import Cart, StockHold
from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.extensions import db

MAX_QUANTITY = 999  # per line; far above any real stock, and keeps numbers sane


class CartError(Exception):
    """A change the cart refuses; `message` says why, in Norwegian, for the visitor."""

    message = "Handlekurven kunne ikke endres."

    def __str__(self) -> str:
        return self.message


class InvalidQuantity(CartError):
    message = f"Antall må være et helt tall fra 1 til {MAX_QUANTITY}."


class NotInCart(CartError):
    def __init__(self, product: Product) -> None:
        self.product = product
        self.message = f"«{product.title}» er ikke i handlekurven."


class SoldOut(CartError):
    """Nothing of the product can be had now: sold, withdrawn, or held in others' checkouts."""

    def __init__(self, product: Product) -> None:
        self.product = product
        if not product.is_active:
            self.message = f"«{product.title}» er ikke lenger til salgs."
        elif product.stock_quantity == 0:
            self.message = f"«{product.title}» er dessverre solgt."
        else:
            self.message = (
                f"«{product.title}» er reservert av en annen kunde som er i kassen akkurat nå. "
                "Den kan bli ledig igjen om et kvarter."
            )


class NotEnoughStock(CartError):
    def __init__(self, product: Product, available: int, in_cart: int = 0) -> None:
        self.product = product
        self.available = available
        self.in_cart = in_cart
        if in_cart >= available:
            self.message = (
                f"Du har allerede {in_cart} stk. av «{product.title}» i handlekurven, "
                "og det er alt vi har tilgjengelig."
            )
        elif in_cart:
            self.message = (
                f"Vi har bare {available} stk. av «{product.title}» tilgjengelig, og du har "
                f"allerede {in_cart} i handlekurven. Du kan legge til {available - in_cart} til."
            )
        else:
            self.message = f"Vi har bare {available} stk. av «{product.title}» tilgjengelig."


def check_quantity(quantity: object) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity()
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidQuantity()
    return quantity


def held_by_others(
    product_ids: Iterable[int], cart: Cart | None, now: datetime | None = None
) -> dict[int, int]:
    """Units of each product that other carts hold right now (expired holds do not count)."""
    ids = list(product_ids)
    if not ids:
        return {}
    stmt = (
        select(StockHold.product_id, func.sum(StockHold.quantity))
        .where(StockHold.product_id.in_(ids), StockHold.expires_at > (now or utcnow()))
        .group_by(StockHold.product_id)
    )
    if cart is not None and cart.id is not None:
        stmt = stmt.where(StockHold.cart_id != cart.id)
    held = {product_id: int(total) for product_id, total in db.session.execute(stmt)}
    return {product_id: held.get(product_id, 0) for product_id in ids}


def available_quantities(products: Iterable[Product], cart: Cart | None) -> dict[int, int]:
    """How many of each product this cart may have: 0 for withdrawn products."""
    products = list(products)
    held = held_by_others((p.id for p in products), cart)
    return {p.id: max(p.stock_quantity - held[p.id], 0) if p.is_active else 0 for p in products}


def available_quantity(product: Product, cart: Cart | None = None) -> int:
    return available_quantities([product], cart)[product.id]
