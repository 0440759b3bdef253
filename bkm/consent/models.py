"""The consent ledger, the privacy statement's versions and the register of processors.

The ledger is append-only proof of every consent the shop relies on (GDPR art. 7(1)): the
ORM refuses to change or delete a row. It holds no IP address and no user agent; a row names
a customer only when the choice was made logged in, and the database drops that link when
the customer is deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bkm.clock import utcnow
from bkm.database import UTCDateTime, make_append_only
from bkm.extensions import db

ACTIONS = ("accept", "reject", "custom", "withdraw")
CHANNELS = ("banner", "settings", "login", "registration", "checkout", "mypage", "email", "staff")
CHANNEL_NAMES = {
    "banner": "Informasjonskapsel-banneret",
    "settings": "Cookie-innstillinger",
    "login": "Nye vilkår ved innlogging",
    "registration": "Registrering",
    "checkout": "Kassen",
    "mypage": "Min side",
    "email": "Lenke i e-post",
    "staff": "Registrert av oss etter din henvendelse",
}
ACTION_NAMES = {
    "accept": "Godtok alle",
    "reject": "Avslo alle",
    "custom": "Tilpasset valg",
    "withdraw": "Trakk tilbake samtykke",
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ConsentLedgerIsAppendOnly(Exception):
    """Raised when code tries to change or delete a consent record."""


class ConsentRecord(db.Model):
    __tablename__ = "consent_records"
    __table_args__ = (
        CheckConstraint(_in("action", ACTIONS), name="action"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        {"sqlite_autoincrement": True},  # an id in the ledger is never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[str] = mapped_column(String(32), index=True)  # random, per browser
    action: Mapped[str] = mapped_column(String(10))
    granted: Mapped[str] = mapped_column(String(200), default="")  # purpose keys, comma-separated
    refused: Mapped[str] = mapped_column(String(200), default="")
    policy_version: Mapped[int]
    text_digest: Mapped[str] = mapped_column(String(64))  # sha256 of the text the choice was on
    channel: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    @property
    def granted_purposes(self) -> frozenset[str]:
        return frozenset(filter(None, self.granted.split(",")))

    @property
    def refused_purposes(self) -> frozenset[str]:
        return frozenset(filter(None, self.refused.split(",")))

    def __repr__(self) -> str:
        return f"<ConsentRecord {self.id} {self.action} {self.channel} v{self.policy_version}>"


make_append_only(ConsentRecord, ConsentLedgerIsAppendOnly)


class PolicyVersion(db.Model):
    """One version of the privacy statement: a draft until a manager publishes it.

    A published version is never edited; the next change is a new version. `version` is
    given at publishing, in order, so the public numbers have no gaps.
    """

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int | None] = mapped_column(unique=True)
    body: Mapped[str] = mapped_column(Text)
    change_summary: Mapped[str] = mapped_column(String(500), default="")  # "hva er endret"
    requires_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def __repr__(self) -> str:
        return f"<PolicyVersion {self.version or 'draft'} {self.id}>"


class Processor(db.Model):
    """A data processor (R1.4, R4.1): who handles personal data for us, under which agreement."""

    __tablename__ = "processors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    service: Mapped[str] = mapped_column(String(200))  # what they do for the shop
    data: Mapped[str] = mapped_column(String(300))  # which personal data they receive
    location: Mapped[str] = mapped_column(String(120))  # where the data is processed
    agreement_date: Mapped[date] = mapped_column(Date)  # the data processing agreement
    ended_on: Mapped[date | None] = mapped_column(Date)  # no longer used from this day
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Processor {self.id} {self.name}>"
