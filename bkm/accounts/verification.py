"""Confirming that a customer's e-mail address is theirs."""

from __future__ import annotations

from bkm.accounts.mailing import mail_link, mailed_recently, queue_account_mail
from bkm.accounts.models import User
from bkm.accounts.tokens import (
    VERIFICATION_MAX_AGE,
    make_verification_token,
    read_verification_token,
)
from bkm.clock import utcnow

KIND = "account_verification"


class AlreadyVerified(Exception):
    pass


class SentRecently(Exception):
    """A link went out less than a minute ago; the customer should look for that one."""


def queue_verification_mail(user: User, *, throttle: bool = False) -> None:
    """Queue the mail with a 7-day link. Does not commit; raises AlreadyVerified, SentRecently."""
    if user.email_verified_at is not None:
        raise AlreadyVerified()
    if throttle and mailed_recently(user, KIND):
        raise SentRecently()
    link = mail_link("accounts.verify_email", token=make_verification_token(user))
    queue_account_mail(KIND, user, link, valid_days=VERIFICATION_MAX_AGE.days)


def verify_email(token: str) -> User:
    """Mark the address as confirmed. Raises InvalidToken (TokenExpired, TokenUsed). No commit."""
    user = read_verification_token(token)
    user.email_verified_at = utcnow()
    return user
