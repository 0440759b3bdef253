"""What the privacy rules need to know beyond the shop's own records.

- Access requests (R9.4): when a customer asked to see their data, by which channel, the
  one-month deadline, and when the answer was sent and downloaded.
- The facts behind the erasure exceptions (R9.5) that the shop's other records do not hold:
  misuse incidents, debts sold to a third party and credit decisions. Staff record them in
  /admin; the erasure preflight reads them. They go with the customer once erasure is allowed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.accounts.models import User
from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db

ACCESS_CHANNELS = {"min_side": "Min side", "phone": "Telefon", "email": "E-post", "letter": "Brev"}
MISUSE_STATUSES = {"suspected": "Mistanke om misbruk", "confirmed": "Misbruk"}
CREDIT_OUTCOMES = {"approved": "Innvilget", "rejected": "Avslått"}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class AccessRequest(db.Model):
    """A customer's request to see the personal data the shop holds about them (R9.4).

    The answer is an e-mail with a signed, expiring link to the data; the request stays as proof
    that it was answered in time even after the customer is erased (user_id becomes NULL).
    """

    __tablename__ = "privacy_access_requests"
    __table_args__ = (CheckConstraint(_in("channel", ACCESS_CHANNELS), name="channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date] = mapped_column(Date)  # one month after it was received (GDPR Art. 12(3))
    registered_by_id: Mapped[int | None] = mapped_column(  # staff, for a phone or e-mail request
        ForeignKey("users.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the link was mailed
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first download

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])


class _RecordedFact:
    """Who on the staff recorded a fact, and when."""

    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class MisuseIncident(_RecordedFact, db.Model):
    """Suspected or actual misuse by a customer (fraud, abuse of the shop); blocks erasure for
    four years from when it happened (R9.5)."""

    __tablename__ = "privacy_misuse_incidents"
    __table_args__ = (CheckConstraint(_in("status", MISUSE_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    occurred_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")


class DebtSale(_RecordedFact, db.Model):
    """A customer's unpaid debt sold to a debt collector; blocks erasure for three years, one
    year if the customer has died (R9.5)."""

    __tablename__ = "privacy_debt_sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sold_on: Mapped[date] = mapped_column(Date)
    buyer: Mapped[str] = mapped_column(String(200))  # who bought the claim
    amount_ore: Mapped[int]


class CreditDecision(_RecordedFact, db.Model):
    """The answer to a customer's application for credit (invoice terms); a rejection blocks
    erasure for three months (R9.5)."""

    __tablename__ = "privacy_credit_decisions"
    __table_args__ = (CheckConstraint(_in("outcome", CREDIT_OUTCOMES), name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(10))
