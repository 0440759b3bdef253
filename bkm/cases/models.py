"""A case (sak) between the shop and one customer, and the messages written in it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.accounts.models import User
from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db

OPEN = "open"
WAITING_FOR_CUSTOMER = "waiting_for_customer"
CLOSED = "closed"
STATUS_LABELS = {OPEN: "Åpen", WAITING_FOR_CUSTOMER: "Venter på kunden", CLOSED: "Avsluttet"}
STATUSES = tuple(STATUS_LABELS)

# "privacy": a request about personal data (access, erasure …), opened from Min side.
KIND_LABELS = {
    "complaint": "Reklamasjon",
    "withdrawal": "Angrerett",
    "question": "Spørsmål",
    "privacy": "Personopplysninger",
}
KINDS = tuple(KIND_LABELS)

MAX_SUBJECT = 200
MAX_BODY = 5000


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        {"sqlite_autoincrement": True},  # ids (and so case numbers) are never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # "S-100001"
    # None once the customer is erased (R3.10) or the case is past its retention (R3.9).
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30), default=OPEN)
    subject: Mapped[str] = mapped_column(String(MAX_SUBJECT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    customer: Mapped[User | None] = relationship()
    # By name: orders is a neighbour at the same rank, so cases never imports it.
    order = relationship("Order")
    messages: Mapped[list[CaseMessage]] = relationship(
        back_populates="case", order_by="CaseMessage.id", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Case {self.number} {self.kind} {self.status}>"


class CaseMessage(db.Model):
    __tablename__ = "case_messages"
    __table_args__ = (CheckConstraint(f"length(body) <= {MAX_BODY}", name="body_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    from_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
