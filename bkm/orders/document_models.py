"""Issued sales documents, immutable once issued, and the counters of their number series.

What a document says is built in bkm.orders.document_building and issued by
bkm.orders.documents; the listeners here refuse any later change but voiding and payment.
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

from bkm.accounts.models import User
from bkm.clock import to_oslo, utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db
from bkm.orders.models import Order, Shipment

DOCUMENT_KINDS = ("order_confirmation", "packing_slip", "invoice", "credit_note")
DOCUMENT_STATUSES = ("issued", "voided")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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
        """Invoices and credit notes: 5 years after the financial year; the rest 3½ years.
        The financial year is Oslo's calendar year (bkm/privacy/retention.py carries it out)."""
        year = to_oslo(self.issued_at).year
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
