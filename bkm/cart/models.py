"""Carts, their lines, and the short stock holds a started checkout places."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db


class Cart(db.Model):
    """One open cart per visitor: an anonymous one found by its token, or a customer's own."""

    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The secret in an anonymous visitor's session; None once the cart belongs to a user.
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart",
        order_by="(CartLine.added_at, CartLine.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    holds: Mapped[list[StockHold]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        owner = f"user {self.user_id}" if self.user_id else "anonymous"
        return f"<Cart {self.id} {owner}>"


class CartLine(db.Model):
    __tablename__ = "cart_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("cart_id", "product_id", name="uq_cart_lines_cart_product"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int]
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class StockHold(db.Model):
    """Units set aside for a cart in checkout until expires_at; after that they count no more."""

    __tablename__ = "stock_holds"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("cart_id", "product_id", name="uq_stock_holds_cart_product"),
        Index("ix_stock_holds_product_expires", "product_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    quantity: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    cart: Mapped[Cart] = relationship(back_populates="holds")
    product: Mapped[Product] = relationship()
