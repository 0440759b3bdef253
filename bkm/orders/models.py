"""Orders, their lines, and shipments (with shipment lines, so an order can ship in parts).

An order is a snapshot: buyer, address, titles and prices are copied when it is placed, so
later changes to the customer or the catalogue never change what was bought.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.accounts.models import CUSTOMER_TYPES, User
from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db
from bkm.orders.statuses import RECEIVED, STATUSES, label

DELIVERY_METHODS = ("pickup", "delivery")
VAT_SCHEMES = ("standard", "margin")  # catalog.models.Product has the same
DOCUMENT_KINDS = ("order_confirmation", "packing_slip", "invoice", "credit_note")
DOCUMENT_STATUSES = ("issued", "voided")
PAYMENT_METHODS = ("invoice", "pickup")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("customer_type", CUSTOMER_TYPES), name="customer_type"),
        CheckConstraint(_in("delivery_method", DELIVERY_METHODS), name="delivery_method"),
        CheckConstraint(_in("payment_method", PAYMENT_METHODS), name="payment_method"),
        CheckConstraint("total_ore = subtotal_ore + shipping_ore", name="total_adds_up"),
        # Ids (and so order numbers) are never reused on SQLite either.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "BKM-100123"
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    customer_type: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=RECEIVED)

    # The buyer as given at checkout.
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(4))
    city: Mapped[str] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(9))

    delivery_method: Mapped[str] = mapped_column(String(10))
    delivery_street: Mapped[str | None] = mapped_column(String(200))  # None: pickup
    delivery_postcode: Mapped[str | None] = mapped_column(String(4))
    delivery_city: Mapped[str | None] = mapped_column(String(100))
    payment_method: Mapped[str] = mapped_column(String(10))

    subtotal_ore: Mapped[int]
    shipping_ore: Mapped[int] = mapped_column(default=0)
    total_ore: Mapped[int]
    vat_ore: Mapped[int]  # the MVA contained in total_ore

    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Consumers only; null until the goods are received (then + 14 days, angrerettloven).
    withdrawal_deadline_on: Mapped[date | None]

    customer: Mapped[User] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.id", cascade="all, delete-orphan"
    )

    @property
    def is_consumer(self) -> bool:
        return self.customer_type == "private"

    @property
    def status_label(self) -> str:
        return label(self.status)

    @property
    def net_ore(self) -> int:
        return self.total_ore - self.vat_ore

    def __repr__(self) -> str:
        return f"<Order {self.number} {self.status}>"


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("line_total_ore = unit_price_ore * quantity", name="line_total"),
        CheckConstraint(_in("vat_scheme", VAT_SCHEMES), name="vat_scheme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    sku: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    condition: Mapped[str] = mapped_column(String(1))
    quantity: Mapped[int]
    unit_price_ore: Mapped[int]  # incl. MVA
    line_total_ore: Mapped[int]
    vat_ore: Mapped[int]
    # The product's VAT scheme when the order was placed (see catalog.models.Product).
    vat_scheme: Mapped[str] = mapped_column(
        String(10), default="standard", server_default="standard"
    )

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()


class Shipment(db.Model):
    """One parcel, pallet or pickup: some or all of an order's lines handed over."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    method: Mapped[str] = mapped_column(String(40))  # "pickup", "Bring", "egen bil" …
    tracking: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")

    order: Mapped[Order] = relationship(back_populates="shipments")
    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", order_by="ShipmentLine.id", cascade="all, delete-orphan"
    )


class ShipmentLine(db.Model):
    __tablename__ = "shipment_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(
        ForeignKey("order_lines.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int]

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class DocumentSeries(db.Model):
    """The next free number of one document series (see bkm/orders/numbering.py)."""

    __tablename__ = "document_series"

    series: Mapped[str] = mapped_column(String(30), primary_key=True)
    next_number: Mapped[int]


class IssuedDocument(db.Model):
    """An issued sales document: its number, the SalesDocument snapshot and the PDF, for good.

    Immutable once issued (listeners below): only the void fields (status "voided", makulert)
    and, on invoices, the payment fields may change. There is no way to delete one.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (
        UniqueConstraint("series", "number", name="uq_issued_documents_series_number"),
        CheckConstraint(_in("kind", DOCUMENT_KINDS), name="kind"),
        CheckConstraint(_in("status", DOCUMENT_STATUSES), name="status"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint(
            "(kind = 'credit_note') = (credits_document_id IS NOT NULL)", name="credit_reference"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    series: Mapped[str] = mapped_column(String(30))
    number: Mapped[int]
    display_number: Mapped[str] = mapped_column(String(30))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), index=True)
    credits_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("issued_documents.id"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    snapshot: Mapped[dict] = mapped_column(JSON)  # SalesDocument.snapshot()
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    total_ore: Mapped[int]  # signed: negative on credit notes
    status: Mapped[str] = mapped_column(String(10), default="issued")
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)
    kid: Mapped[str | None] = mapped_column(String(25))  # invoices
    due_on: Mapped[date | None]  # invoices
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # invoices
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    order: Mapped[Order] = relationship()
    shipment: Mapped[Shipment | None] = relationship()
    credits: Mapped[IssuedDocument | None] = relationship(remote_side=[id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id])

    @property
    def is_voided(self) -> bool:
        return self.status == "voided"

    @property
    def retain_until(self) -> date:
        """Invoices and credit notes: 5 years after the financial year; the rest 3½ years."""
        year = self.issued_at.year
        if self.kind in ("invoice", "credit_note"):
            return date(year + 5, 12, 31)
        return date(year + 4, 6, 30)

    def __repr__(self) -> str:
        return f"<IssuedDocument {self.kind} {self.display_number} {self.status}>"


# What may change after issuing; everything else is frozen.
DOCUMENT_MUTABLE = frozenset(
    {"status", "voided_at", "voided_by_id", "void_reason", "paid_at", "paid_by_id"}
)


class ImmutableDocument(RuntimeError):
    """An issued document was about to be changed or deleted."""


@event.listens_for(IssuedDocument, "before_update")
def _refuse_changes(_mapper, connection, document: IssuedDocument) -> None:
    state = inspect(document)
    changed = {
        attr.key
        for attr in state.mapper.column_attrs
        if state.attrs[attr.key].history.has_changes()
    }
    if frozen := changed - DOCUMENT_MUTABLE:
        raise ImmutableDocument(
            f"issued document {document.display_number} cannot change: {sorted(frozen)}"
        )
    if state.attrs["status"].history.has_changes() and document.status != "voided":
        stored = connection.scalar(
            select(IssuedDocument.status).where(IssuedDocument.id == document.id)
        )
        if stored == "voided":
            raise ImmutableDocument(f"document {document.display_number} is voided for good")


@event.listens_for(IssuedDocument, "before_delete")
def _refuse_delete(_mapper, _connection, document: IssuedDocument) -> None:
    raise ImmutableDocument(
        f"issued document {document.display_number} cannot be deleted; void it (makulert)"
    )


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
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    message: Mapped[str] = mapped_column(Text, default="")  # from the customer, ≤ 2000 chars
    valid_until: Mapped[date | None]  # the last day it can be accepted; set when issued
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)

    customer: Mapped[User] = relationship(foreign_keys=[customer_id])
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
        # Imported here so this block stays an append to the module (no new top imports).
        from bkm.money import vat_part_ore

        # Margin-scheme goods show no MVA amount to the buyer (avansesystemet).
        return vat_part_ore(self.line_total_ore) if self.vat_scheme == "standard" else 0


class CreditNotice(db.Model):
    """A kredittmelding: notice to a customer that an amount is credited to their account
    (goodwill, a price adjustment). Separate from credit notes (kreditnota), which credit an
    invoice and live in issued_documents."""

    __tablename__ = "credit_notices"
    __table_args__ = (CheckConstraint("amount_ore > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    amount_ore: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    customer: Mapped[User] = relationship(foreign_keys=[customer_id])
    order: Mapped[Order | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
