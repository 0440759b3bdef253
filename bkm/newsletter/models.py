"""Direct marketing by consent (R3.3, R3.7, R3.8, R1.2): subscriptions, newsletters and who
got them, offers, and the customers' say on sales calls and catalogues.

- A subscription counts only once `confirmed` (double opt-in). Unsubscribing deletes the row
  (the data kept because of that consent, R3.6); the consent ledger keeps the proof.
- A newsletter's recipients are fixed when sending starts, one row each with a unique
  (newsletter, customer) pair; each row is turned into one outbox mail in the same
  transaction that marks it sent, so a crash and a resume never mail anyone twice.
- Contact preferences: a customer may be called or sent catalogues only when the flag says
  yes and they are not in Reservasjonsregisteret; each flag keeps when and from where it was set.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db

SUBSCRIPTION_STATUSES = ("pending", "confirmed")
SOURCES = ("registration", "checkout", "mypage", "staff")
NEWSLETTER_STATUSES = ("draft", "sending", "sent")
RECIPIENT_STATUSES = ("queued", "sent", "skipped")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Subscription(db.Model):
    __tablename__ = "newsletter_subscriptions"
    __table_args__ = (
        CheckConstraint(_in("status", SUBSCRIPTION_STATUSES), name="status"),
        CheckConstraint(_in("source", SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    source: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


newsletter_products = db.Table(
    "newsletter_products",
    db.Column("newsletter_id", ForeignKey("newsletters.id", ondelete="CASCADE"), primary_key=True),
    db.Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
)


class Newsletter(db.Model):
    __tablename__ = "newsletters"
    __table_args__ = (CheckConstraint(_in("status", NEWSLETTER_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sending_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    products = relationship("Product", secondary=newsletter_products, order_by="Product.id")


class NewsletterRecipient(db.Model):
    __tablename__ = "newsletter_recipients"
    __table_args__ = (
        UniqueConstraint("newsletter_id", "user_id"),
        CheckConstraint(_in("status", RECIPIENT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    newsletter_id: Mapped[int] = mapped_column(
        ForeignKey("newsletters.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbox.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Offer(db.Model):
    """A price on chosen products for customers who bought in given categories (R1.2)."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("valid_until >= valid_from", name="valid_period"),
        CheckConstraint("discount_percent BETWEEN 1 AND 90", name="discount_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    discount_percent: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    products = relationship("Product", secondary="offer_products", order_by="Product.id")
    bought_categories = relationship(
        "Category", secondary="offer_categories", order_by="Category.id"
    )


offer_products = db.Table(
    "offer_products",
    db.Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    db.Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
)
offer_categories = db.Table(  # the offer goes to customers who bought in these categories
    "offer_categories",
    db.Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    db.Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class ContactPreference(db.Model):
    """Sales calls and catalogues by post (R3.7): no flag row means "not asked" = no."""

    __tablename__ = "contact_preferences"
    __table_args__ = (
        CheckConstraint(
            "calls_source IS NULL OR " + _in("calls_source", SOURCES), name="calls_source"
        ),
        CheckConstraint(
            "catalogues_source IS NULL OR " + _in("catalogues_source", SOURCES),
            name="catalogues_source",
        ),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    calls_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    calls_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calls_source: Mapped[str | None] = mapped_column(String(20))
    catalogues_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    catalogues_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    catalogues_source: Mapped[str | None] = mapped_column(String(20))
    # Reservasjonsregisteret (Brønnøysund): registered numbers may not get sales calls.
    reserved: Mapped[bool] = mapped_column(Boolean, default=False)
    reserved_checked_on: Mapped[date | None] = mapped_column(Date)
