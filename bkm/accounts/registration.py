"""Registering a customer: on the web by themselves, or by staff after a call or an e-mail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bkm.accounts.authentication import normalise_email
from bkm.accounts.models import CUSTOMER_TYPES, REGISTRATION_CHANNELS, STAFF_CHANNELS, User
from bkm.accounts.passwords import hash_password
from bkm.extensions import db
from bkm.forms import is_valid_postcode, normalise_org_number, normalise_phone

MIN_PASSWORD_LENGTH = 10


class EmailTaken(Exception):
    """Someone (a customer, a guest from checkout, staff) already has this e-mail address."""


@dataclass(frozen=True)
class CustomerDetails:
    """What a customer gives: the same for the web form, staff registration and checkout."""

    name: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str
    customer_type: str = "private"
    company_name: str | None = None
    org_number: str | None = None

    def normalised(self) -> CustomerDetails:
        """Lower-case e-mail, E.164 phone, bare org.nr; company fields only for businesses.

        Raises ValueError for values the forms should have refused already.
        """
        if self.customer_type not in CUSTOMER_TYPES:
            raise ValueError(f"unknown customer type {self.customer_type!r}")
        if not is_valid_postcode(self.postcode.strip()):
            raise ValueError(f"not a Norwegian postcode: {self.postcode!r}")
        business = self.customer_type == "business"
        if business and not (self.company_name and self.org_number):
            raise ValueError("a business customer needs a company name and org.nr")
        return CustomerDetails(
            name=self.name.strip(),
            email=normalise_email(self.email),
            phone=normalise_phone(self.phone),
            street=self.street.strip(),
            postcode=self.postcode.strip(),
            city=self.city.strip(),
            customer_type=self.customer_type,
            company_name=self.company_name.strip() if business and self.company_name else None,
            org_number=normalise_org_number(self.org_number)
            if business and self.org_number
            else None,
        )


def email_is_taken(email: str) -> bool:
    return (
        db.session.scalar(select(User.id).where(User.email == normalise_email(email))) is not None
    )


def register_customer(
    details: CustomerDetails,
    *,
    password: str | None,
    channel: str = "web",
    registered_by: User | None = None,
) -> User:
    """A new customer row, flushed so it has an id. Does not commit.

    `password` None leaves the account without one (staff registration: the customer
    sets it from the welcome mail). Raises EmailTaken (after a lost race the session then
    needs a rollback; the caller rolls back on EmailTaken anyway), or ValueError.
    """
    if channel not in REGISTRATION_CHANNELS:
        raise ValueError(f"unknown registration channel {channel!r}")
    if channel in STAFF_CHANNELS and (registered_by is None or not registered_by.is_staff):
        raise ValueError(f"channel {channel!r} needs the staff member who registered")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError("password too short")
    clean = details.normalised()
    if email_is_taken(clean.email):
        raise EmailTaken(clean.email)
    user = User(
        email=clean.email,
        name=clean.name,
        role="customer",
        password_hash=hash_password(password) if password is not None else None,
        phone=clean.phone,
        street=clean.street,
        postcode=clean.postcode,
        city=clean.city,
        customer_type=clean.customer_type,
        company_name=clean.company_name,
        org_number=clean.org_number,
        registration_channel=channel,
        registered_by=registered_by,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:  # registered at the same moment elsewhere
        if "email" in str(error.orig).lower():
            raise EmailTaken(clean.email) from error
        raise
    return user
