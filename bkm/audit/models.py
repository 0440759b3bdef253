"""One row per time a staff member looked at a customer's personal data.

Append-only: the ORM refuses to change or delete a row (the listeners below). The log says
who saw whom and what; it holds no IP address and no user agent. When a user is deleted,
the database sets the ids to NULL and the row stays.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bkm.clock import utcnow
from bkm.database import UTCDateTime, make_append_only
from bkm.extensions import db

# Each action with the reason the customer sees on Min side (R9.2) unless the caller gives one.
REASONS = {
    "viewed_customer": "Kundeservice",
    "viewed_order": "Ordrebehandling",
    "exported": "Eksport av opplysninger",
    "access_request": "Innsyn etter forespørsel fra kunden",
    "erasure_check": "Vurdering av sletting",
    "privacy_fact": "Registrering av forhold som hindrer sletting",
}
ACTIONS = tuple(REASONS)


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100), default="")  # "order:BKM-100001"
    actor_role: Mapped[str] = mapped_column(
        String(20), default="", server_default=""
    )  # the role at the time
    reason: Mapped[str] = mapped_column(
        String(100), default="", server_default=""
    )  # why, in Norwegian

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.target}>"


make_append_only(AuditEntry, AuditLogIsAppendOnly)
