"""The visitor's cart: finding it, changing its lines, summing it up, merging it at login.

Rules change the session's objects and never commit; the view that called them commits once.
Every change checks the quantity against what is available now (bkm.cart.stock).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bkm.cart.models import Cart, CartLine
from bkm.cart.stock import (
    NotEnoughStock,
    NotInCart,
    SoldOut,
    available_quantities,
    available_quantity,
    check_quantity,
)
from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.extensions import db
from bkm.money import net_ore, vat_part_ore

SESSION_KEY = "cart"  # the anonymous cart's token in the Flask session


# ---------- Finding the cart ----------


def current_cart(create: bool = False) -> Cart | None:
    """The visitor's open cart: by user for a logged-in customer, by session token otherwise.

    With create=True a missing cart is made (and flushed); the view stores an anonymous
    cart's token in the session with remember_cart() once it has committed.
    """
    if current_user.is_authenticated:
        cart = _user_cart(current_user.id)
        if cart is None and create:
            cart = _create_user_cart(current_user.id)
        return cart
    cart = find_anonymous_cart(session_token())
    if cart is None and create:
        cart = Cart(token=secrets.token_urlsafe(32))
        db.session.add(cart)
        db.session.flush()
    return cart


def _user_cart(user_id: int) -> Cart | None:
    return db.session.scalar(select(Cart).where(Cart.user_id == user_id))


def _create_user_cart(user_id: int) -> Cart:
    # Two tabs adding their first item at once both find no cart; the unique user_id lets
    # only one insert win, and the other uses the winner's cart instead of failing.
    try:
        with db.session.begin_nested():
            cart = Cart(user_id=user_id)
            db.session.add(cart)
    except IntegrityError:
        cart = _user_cart(user_id)
        if cart is None:
            raise
    return cart


def session_token() -> str | None:
    if not session:  # reading nothing keeps a cookieless visitor's page shareable
        return None
    token = session.get(SESSION_KEY)
    return token if isinstance(token, str) and 0 < len(token) <= 64 else None


def find_anonymous_cart(token: str | None) -> Cart | None:
    if not token:
        return None
    return db.session.scalar(select(Cart).where(Cart.token == token, Cart.user_id.is_(None)))


def remember_cart(cart: Cart) -> None:
    if cart.token and session.get(SESSION_KEY) != cart.token:
        session[SESSION_KEY] = cart.token


def cart_item_count() -> int:
    """Units in the visitor's cart, for the header. Never touches a cookieless visitor's session."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if not session and remember_cookie not in request.cookies:
        return 0
    stmt = select(func.coalesce(func.sum(CartLine.quantity), 0)).join(Cart)
    if current_user.is_authenticated:
        stmt = stmt.where(Cart.user_id == current_user.id)
    elif token := session_token():
        stmt = stmt.where(Cart.token == token, Cart.user_id.is_(None))
    else:
        return 0
    return int(db.session.scalar(stmt) or 0)


# ---------- Changing lines ----------


def find_line(cart: Cart, product_id: int) -> CartLine | None:
    return next((line for line in cart.lines if line.product_id == product_id), None)


def add_item(cart: Cart, product: Product, quantity: int) -> CartLine:
    """Put `quantity` more of the product in the cart, within what is available."""
    check_quantity(quantity)
    available = available_quantity(product, cart)
    if available == 0:
        raise SoldOut(product)
    line = find_line(cart, product.id)
    in_cart = line.quantity if line else 0
    if in_cart + quantity > available:
        raise NotEnoughStock(product, available, in_cart)
    if line is None:
        line = CartLine(product=product, quantity=quantity, added_at=utcnow())
        cart.lines.append(line)
    else:
        line.quantity = in_cart + quantity
    _changed(cart, product.id)
    return line


def set_quantity(cart: Cart, product: Product, quantity: int) -> CartLine:
    """Set a line's quantity. Lowering is always allowed; raising only within availability."""
    check_quantity(quantity)
    line = find_line(cart, product.id)
    if line is None:
        raise NotInCart(product)
    if quantity > line.quantity:
        available = available_quantity(product, cart)
        if available == 0:
            raise SoldOut(product)
        if quantity > available:
            raise NotEnoughStock(product, available)
    line.quantity = quantity
    _changed(cart, product.id)
    return line


def remove_item(cart: Cart, product: Product) -> bool:
    """Take the product out of the cart; False when it was not there."""
    line = find_line(cart, product.id)
    if line is None:
        return False
    cart.lines.remove(line)
    _changed(cart, product.id)
    return True


def _changed(cart: Cart, product_id: int) -> None:
    # A changed line is no longer held: the checkout holds the cart again before payment.
    _drop_holds(cart, {product_id})
    cart.updated_at = utcnow()


def _drop_holds(cart: Cart, product_ids: set[int] | None = None) -> None:
    for hold in list(cart.holds):
        if product_ids is None or hold.product_id in product_ids:
            cart.holds.remove(hold)  # delete-orphan: the row goes at the next flush


# ---------- Summing up ----------

LINE_PROBLEMS = ("sold", "withdrawn", "held", "short")


@dataclass(frozen=True)
class LineSummary:
    line: CartLine
    product: Product
    quantity: int
    unit_price_ore: int
    available: int  # for this cart, now

    @property
    def line_total_ore(self) -> int:
        return self.unit_price_ore * self.quantity

    @property
    def status(self) -> str:
        """ok, or why the line cannot be bought as it stands (see LINE_PROBLEMS)."""
        if not self.product.is_active:
            return "withdrawn"
        if self.product.stock_quantity == 0:
            return "sold"
        if self.available == 0:
            return "held"
        if self.quantity > self.available:
            return "short"
        return "ok"

    @property
    def is_ok(self) -> bool:
        return self.status == "ok"

    @property
    def max_quantity(self) -> int:
        """The largest quantity the line's quantity control offers."""
        return max(self.available, self.quantity)


@dataclass(frozen=True)
class CartSummary:
    lines: list[LineSummary]

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total_ore(self) -> int:
        """What the visitor can buy now: lines with a problem are left out until fixed."""
        return sum(line.line_total_ore for line in self.lines if line.is_ok)

    @property
    def vat_ore(self) -> int:
        return vat_part_ore(self.total_ore)

    @property
    def net_ore(self) -> int:
        return net_ore(self.total_ore)

    @property
    def has_problems(self) -> bool:
        return any(not line.is_ok for line in self.lines)

    @property
    def can_check_out(self) -> bool:
        return bool(self.lines) and not self.has_problems


def cart_summary(cart: Cart | None) -> CartSummary:
    """Lines with product, current unit price, line total and availability; totals incl. MVA."""
    if cart is None or cart.id is None:
        return CartSummary(lines=[])
    lines = list(
        db.session.scalars(
            select(CartLine)
            .where(CartLine.cart_id == cart.id)
            .order_by(CartLine.added_at, CartLine.id)
            .options(selectinload(CartLine.product).selectinload(Product.images))
        )
    )
    available = available_quantities({line.product for line in lines}, cart)
    return CartSummary(
        lines=[
            LineSummary(
                line=line,
                product=line.product,
                quantity=line.quantity,
                unit_price_ore=line.product.price_ore,
                available=available[line.product_id],
            )
            for line in lines
        ]
    )


# ---------- Logging in ----------


@dataclass(frozen=True)
class Adjustment:
    """A merged line that got less than the two carts together asked for."""

    product: Product
    wanted: int
    got: int


def merge_carts(anonymous: Cart, user_cart: Cart) -> list[Adjustment]:
    """Move the anonymous cart's lines into the user's cart and delete the anonymous cart.

    Quantities are summed and capped by what is available to the user's cart; what the user
    already had is never reduced. The anonymous cart's holds are released first, so they do
    not count against the merged cart.
    """
    _drop_holds(anonymous)
    incoming = list(anonymous.lines)
    available = available_quantities({line.product for line in incoming}, user_cart)
    adjustments = []
    for line in incoming:
        existing = find_line(user_cart, line.product_id)
        had = existing.quantity if existing else 0
        wanted = had + line.quantity
        got = max(min(wanted, available[line.product_id]), had)
        if got < wanted:
            adjustments.append(Adjustment(line.product, wanted, got))
        if got == had:
            continue
        if existing is None:
            user_cart.lines.append(
                CartLine(product=line.product, quantity=got, added_at=line.added_at)
            )
        else:
            existing.quantity = got
        _drop_holds(user_cart, {line.product_id})
    db.session.delete(anonymous)
    user_cart.updated_at = utcnow()
    return adjustments


def claim_cart_at_login(token: str | None, user_id: int) -> list[Adjustment]:
    """Give the anonymous cart with this token to the user who just logged in.

    The user's own cart absorbs it (merge_carts); a user without a cart takes it over.
    """
    anonymous = find_anonymous_cart(token)
    if anonymous is None:
        return []
    user_cart = db.session.scalar(select(Cart).where(Cart.user_id == user_id))
    if user_cart is None:
        anonymous.token = None  # the old secret no longer opens it
        anonymous.user_id = user_id
        anonymous.updated_at = utcnow()
        return []
    return merge_carts(anonymous, user_cart)
