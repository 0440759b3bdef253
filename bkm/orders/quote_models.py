"""Quotes (tilbud) with their lines, and credit notices (kredittmelding) to customers.

Requesting, pricing and accepting a quote are in bkm.orders.quotes; credit notices in
bkm.orders.credit_notices.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.accounts.models import User
from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db
from bkm.money import vat_part_ore
from bkm.orders.models import VAT_SCHEMES, Order


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


QUOTE_STATUSES = ("requested", "issued", "accepted", "declined", "expired", "withdrawn")


class Quote(db.Model):
    """A customer's request for a quote (tilbud), priced and issued by staff, maybe accepted.

    Accepting places an order at the quoted prices (bkm/orders/quotes.py); order_id is it.
    """

    __tablename__ = "quotes"
    __table_args__ = (
        CheckConstraint(_in("status", QUOTE_STATUSES), name="status"),
        CheckConstraint("order_id IS NULL OR status = 'accepted'", name="order_when_accepted"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "T-100001"
    customer_id: Mapped[int | None] = mapped_column(  # None once erased or anonymised
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="requested")
    message: Mapped[str] = mapped_column(Text, default="")  # from the customer, ≤ 2000 chars
    valid_until: Mapped[date | None]  # the last day it can be accepted; set when issued
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)

    customer: Mapped[User | None] = relationship(foreign_keys=[customer_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    order: Mapped[Order | None] = relationship()
    lines: Mapped[list[QuoteLine]] = relationship(
        back_populates="quote", order_by="QuoteLine.id", cascade="all, delete-orphan"
    )

    @property
    def total_ore(self) -> int:
        """The quoted total incl. MVA (0 until priced)."""
        return sum(line.line_total_ore for line in self.lines)

    @property
    def list_total_ore(self) -> int:
        return sum(line.list_price_ore * line.quantity for line in self.lines)

    @property
    def vat_ore(self) -> int:
        return sum(line.vat_ore for line in self.lines)

    def __repr__(self) -> str:
        return f"<Quote {self.number} {self.status}>"


class QuoteLine(db.Model):
    __tablename__ = "quote_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("list_price_ore > 0", name="list_price_positive"),
        CheckConstraint(
            "quoted_unit_price_ore IS NULL OR "
            "(quoted_unit_price_ore > 0 AND quoted_unit_price_ore <= list_price_ore)",
            name="quoted_price_is_a_discount",
        ),
        CheckConstraint(_in("vat_scheme", VAT_SCHEMES), name="vat_scheme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    sku: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    list_price_ore: Mapped[int]  # the shop price incl. MVA when the quote was requested
    quoted_unit_price_ore: Mapped[int | None]  # incl. MVA; null until staff price it
    vat_scheme: Mapped[str] = mapped_column(String(10), default="standard")

    quote: Mapped[Quote] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()

    @property
    def line_total_ore(self) -> int:
        return (self.quoted_unit_price_ore or 0) * self.quantity

    @property
    def vat_ore(self) -> int:
        # Margin-scheme goods show no MVA amount to the buyer (avansesystemet).
        return vat_part_ore(self.line_total_ore) if self.vat_scheme == "standard" else 0


class CreditNotice(db.Model):
    """A kredittmelding: notice to a customer that an amount is credited to their account
    (goodwill, a price adjustment). Separate from credit notes (kreditnota), which credit an
    invoice and live in issued_documents."""

    __tablename__ = "credit_notices"
    __table_args__ = (CheckConstraint("amount_ore > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(  # None once erased or anonymised
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    amount_ore: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    customer: Mapped[User | None] = relationship(foreign_keys=[customer_id])
    order: Mapped[Order | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
