"""Setting a password from an e-mailed link: "forgot password", and the welcome mail of a
customer that staff registered (who has no password yet)."""

from __future__ import annotations

from bkm.accounts.authentication import find_user_by_email
from bkm.accounts.mailing import mail_link, mailed_recently, queue_account_mail
from bkm.accounts.models import User
from bkm.accounts.passwords import hash_password
from bkm.accounts.registration import MIN_PASSWORD_LENGTH
from bkm.accounts.tokens import PASSWORD_MAX_AGE, make_password_token, read_password_token
from bkm.clock import utcnow


def _link(user: User, purpose: str) -> str:
    return mail_link("accounts.reset_password", token=make_password_token(user, purpose))


def request_password_reset(email: str) -> None:
    """Queue a reset mail if an active account has this address; silently nothing otherwise.

    The caller shows the same answer either way, so the form does not tell who is a customer.
    Does not commit.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active or mailed_recently(user, "password_reset"):
        return
    max_age = PASSWORD_MAX_AGE["reset"]
    queue_account_mail(
        "password_reset", user, _link(user, "reset"), valid_minutes=max_age.seconds // 60
    )


def queue_welcome_mail(user: User) -> None:
    """The mail to a customer staff registered: welcome, and a link to choose a password."""
    queue_account_mail(
        "customer_welcome",
        user,
        _link(user, "welcome"),
        valid_days=PASSWORD_MAX_AGE["welcome"].days,
    )


def check_password_token(token: str) -> User:
    """The account a link is for; raises InvalidToken (TokenExpired, TokenUsed)."""
    user, _purpose = read_password_token(token)
    return user


def set_password_with_token(token: str, new_password: str) -> User:
    """Set the password; the link is used up by that. Does not commit.

    Following a link sent to the address also proves the address is theirs.
    Raises InvalidToken (TokenExpired, TokenUsed), or ValueError for a too short password.
    """
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise ValueError("password too short")
    user, _purpose = read_password_token(token)
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user
