"""Every person the shop knows: customers (with or without a password), staff and managers."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bkm.clock import utcnow
from bkm.database import UTCDateTime
from bkm.extensions import db

ROLES = ("customer", "staff", "manager")
CUSTOMER_TYPES = ("private", "business")

# How a person came to be in the shop's records (R2.1):
#   web        registered themselves on /konto/registrer
#   phone      registered by staff after a phone call
#   email      registered by staff after an e-mail
#   in_person  registered by staff when they came by the shop
#   checkout   left their details at checkout without creating an account
#   internal   a staff or manager account made by the shop itself
REGISTRATION_CHANNELS = ("web", "phone", "email", "in_person", "checkout", "internal")
STAFF_CHANNELS = ("phone", "email", "in_person")


def _default_channel(context) -> str:
    """Staff and manager accounts are made by the shop itself; anyone else came by the web."""
    role = context.get_current_parameters().get("role")
    return "internal" if role in ("staff", "manager") else "web"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(_in("customer_type", CUSTOMER_TYPES), name="customer_type"),
        CheckConstraint(_in("registration_channel", REGISTRATION_CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))  # for a business: the contact person
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None: cannot log in
    role: Mapped[str] = mapped_column(String(20), default="customer")
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, e.g. +4741234567
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(4))
    city: Mapped[str | None] = mapped_column(String(100))
    customer_type: Mapped[str | None] = mapped_column(String(10))  # None for staff
    company_name: Mapped[str | None] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(9))  # nine digits, no spaces
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_channel: Mapped[str] = mapped_column(
        String(20), default=_default_channel, server_default="web"
    )
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    # Recorded by staff when they learn of it; shortens one erasure exception (R9.5).
    deceased_on: Mapped[date | None] = mapped_column(Date)

    registered_by: Mapped[User | None] = relationship(remote_side=[id])

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.is_active_account

    @property
    def credentials_fingerprint(self) -> str:
        """Changes whenever the password, the e-mail or the role changes; reveals nothing."""
        material = f"{self.email}\0{self.password_hash or ''}\0{self.role}".encode()
        return hashlib.sha256(material).hexdigest()[:20]

    def get_id(self) -> str:
        # Sessions and remember-me cookies name the credentials they were made with, so a
        # password reset ends every other session, including a stolen remember-me cookie, and
        # a new role takes effect only in a new session, after logging in again.
        return f"{self.id}:{self.credentials_fingerprint}"

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "manager")

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    @property
    def is_business(self) -> bool:
        return self.customer_type == "business"

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
