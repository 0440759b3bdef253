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

ACTIONS = ("viewed_customer", "viewed_order", "exported")


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

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.target}>"


make_append_only(AuditEntry, AuditLogIsAppendOnly)
