"""Checking out a cart: who buys, placing the order, and letting go of the cart.

Rules here never commit; the checkout view commits once, so the guest's customer row, the
order, its stock decrement, the emptied cart and the confirmation mail go together.
"""

from __future__ import annotations

from sqlalchemy import select

from bkm.accounts.authentication import normalise_email
from bkm.accounts.models import User
from bkm.accounts.registration import CustomerDetails, register_customer
from bkm.cart.holds import release_cart
from bkm.cart.models import Cart
from bkm.cart.stock import CartError, held_by_others
from bkm.catalog.models import Product
from bkm.extensions import db
from bkm.orders.models import Order
from bkm.orders.placing import CheckoutDetails, place_order


class AccountExists(CartError):
    """A guest gave the e-mail of an account with a password: they must log in instead."""

    message = (
        "Det finnes allerede en konto med denne e-postadressen. Logg inn for å fullføre "
        "bestillingen, så havner den på kontoen din. Varene ligger fortsatt i handlekurven."
    )


class ReservedByOthers(CartError):
    def __init__(self, title: str) -> None:
        self.message = (
            f"«{title}» er reservert av en annen kunde som er i kassen akkurat nå. Den kan "
            "bli ledig igjen om et kvarter."
        )


def guest_customer(details: CustomerDetails) -> User:
    """The customer row for a guest: an earlier passwordless row with this e-mail, or a new
    one (registration channel "checkout"). Raises AccountExists for a real account.

    An earlier row is reused as it is: an unauthenticated form must not overwrite the
    details of whoever owns the address; the order keeps its own snapshot of them.
    """
    email = normalise_email(details.email)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        if existing.password_hash is not None or existing.role != "customer":
            raise AccountExists()
        return existing
    return register_customer(details, password=None, channel="checkout")


def check_out(cart: Cart, customer: User, checkout: CheckoutDetails) -> Order:
    """Place the order for the cart's lines, then empty the cart and release its holds.

    Raises orders.placing.SoldOut when stock ran out, ReservedByOthers when what is left is
    held by other carts in checkout. The caller rolls back on either.
    """
    lines = [(line.product_id, line.quantity) for line in cart.lines]
    order = place_order(customer, lines, checkout)
    _respect_others_holds(cart, [product_id for product_id, _ in lines])
    release_cart(cart)
    cart.lines.clear()  # delete-orphan: the rows go at the next flush
    db.session.flush()
    return order


def _respect_others_holds(cart: Cart, product_ids: list[int]) -> None:
    """After our decrement (we now hold the write lock or the row locks) what remains must
    still cover every other cart's active hold; otherwise we took a unit held for them."""
    held = held_by_others(product_ids, cart)
    rows = db.session.execute(
        select(Product.id, Product.title, Product.stock_quantity).where(Product.id.in_(product_ids))
    )
    for product_id, title, stock_left in rows:
        if stock_left < held[product_id]:
            raise ReservedByOthers(title)
