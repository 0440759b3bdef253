"""Orders, their lines, and shipments (with shipment lines, so an order can ship in parts).

Issued documents live in bkm.orders.document_models; quotes and credit notices in
bkm.orders.quote_models.

An order is a snapshot: buyer, address, titles and prices are copied when it is placed, so
later changes to the customer or the catalogue never change what was bought.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.accounts.models import CUSTOMER_TYPES, User
from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db
from bkm.orders.statuses import RECEIVED, STATUSES, label

DELIVERY_METHODS = ("pickup", "delivery")
VAT_SCHEMES = ("standard", "margin")  # catalog.models.Product has the same
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
    # None once the customer is erased (R3.10) or the order is anonymised (R3.9).
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
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
    # Set when the retention job strips the buyer from the order (R3.9); the lines stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    customer: Mapped[User | None] = relationship()
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
