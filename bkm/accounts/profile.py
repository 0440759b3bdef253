"""Customers correcting their own details on Min side (R9.1).

Name, phone, address and company change at once. A new e-mail address changes only when the
customer opens the link mailed to it: the address is where orders, invoices and password
resets go, so the shop must know it reaches them. The old address is told when it happens.
"""

from __future__ import annotations

from dataclasses import dataclass

from bkm.accounts.mailing import mail_link
from bkm.accounts.models import User
from bkm.accounts.registration import CustomerDetails, EmailTaken, email_is_taken
from bkm.accounts.tokens import (
    EMAIL_CHANGE_MAX_AGE,
    make_email_change_token,
    read_email_change_token,
)
from bkm.clock import utcnow
from bkm.mail.outbox import queue_mail

EDITABLE = (
    "name",
    "phone",
    "street",
    "postcode",
    "city",
    "customer_type",
    "company_name",
    "org_number",
)
CHANGE_KIND = "email_change"
CHANGED_KIND = "email_changed"


@dataclass(frozen=True)
class ProfileUpdate:
    changed: tuple[str, ...]  # the fields changed now
    pending_email: str | None  # a new address waiting for its link to be opened


def update_profile(user: User, details: CustomerDetails) -> ProfileUpdate:
    """Apply the customer's corrections; a new e-mail address gets a confirmation link.

    Raises EmailTaken when the new address belongs to another account, ValueError for input
    the form should have refused. Does not commit.
    """
    clean = details.normalised()
    pending = None
    if clean.email != user.email:
        if email_is_taken(clean.email):
            raise EmailTaken(clean.email)
        pending = clean.email
    changed = tuple(field for field in EDITABLE if getattr(user, field) != getattr(clean, field))
    for field in changed:
        setattr(user, field, getattr(clean, field))
    if pending:
        link = mail_link("mypage.confirm_email", token=make_email_change_token(user, pending))
        queue_mail(
            CHANGE_KIND,
            to=pending,
            kind=CHANGE_KIND,
            reference=f"user:{user.id}",
            user=user,
            new_email=pending,
            link=link,
            valid_days=EMAIL_CHANGE_MAX_AGE.days,
        )
    return ProfileUpdate(changed, pending)


def confirm_email_change(token: str) -> User:
    """Switch the account to the address the link was sent to, and tell the old address.

    Raises InvalidToken (TokenExpired, TokenUsed), or EmailTaken if another account took the
    address meanwhile. The new fingerprint ends every other session and remember-me cookie;
    the caller logs the customer in again. Does not commit.
    """
    user, new_email = read_email_change_token(token)
    if email_is_taken(new_email):
        raise EmailTaken(new_email)
    old_email = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    queue_mail(
        CHANGED_KIND,
        to=old_email,
        kind=CHANGED_KIND,
        reference=f"user:{user.id}",
        user=user,
        old_email=old_email,
        shop_url=mail_link("catalog.index"),
    )
    return user
