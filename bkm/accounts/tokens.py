"""Signed, expiring, single-use tokens for e-mailed links; nothing is stored.

Each token is signed with the app's SECRET_KEY and a salt per purpose, so a token made for
one purpose is worthless for another. It is single-use because its payload holds something
that using it changes:
- password tokens (reset, and the welcome mail of a customer staff registered) hold a
  fingerprint of the e-mail and the current password hash: setting a password, or any other
  password change, makes every earlier password token invalid;
- verification tokens hold the e-mail; once `email_verified_at` is set (or the address
  changes), the token is used up.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bkm.accounts.models import User
from bkm.clock import utcnow
from bkm.extensions import db

PASSWORD_SALT = "bkm.accounts.password"
VERIFICATION_SALT = "bkm.accounts.verify-email"

PASSWORD_MAX_AGE = {
    "reset": timedelta(hours=1),
    "welcome": timedelta(days=7),  # a customer staff registered sets a first password
}
VERIFICATION_MAX_AGE = timedelta(days=7)


class InvalidToken(Exception):
    """The link cannot be used: tampered with, for another purpose, or the account is gone."""


class TokenExpired(InvalidToken):
    """The link was genuine but is too old."""


class TokenUsed(InvalidToken):
    """The link was genuine but has done its job already."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(user: User) -> str:
    return user.credentials_fingerprint


def _load(salt: str, token: str, max_age: timedelta) -> tuple[dict, timedelta]:
    """(payload, age) of a genuine token not older than max_age."""
    try:
        payload, issued_at = _serializer(salt).loads(
            token, max_age=int(max_age.total_seconds()), return_timestamp=True
        )
    except SignatureExpired:
        raise TokenExpired() from None
    except BadSignature:
        raise InvalidToken() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidToken()
    return payload, utcnow() - issued_at


def _active_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidToken()
    return user


def make_password_token(user: User, purpose: str = "reset") -> str:
    if purpose not in PASSWORD_MAX_AGE:
        raise ValueError(f"unknown password token purpose {purpose!r}")
    payload = {"u": user.id, "p": purpose, "f": password_fingerprint(user)}
    return _serializer(PASSWORD_SALT).dumps(payload)


def read_password_token(token: str) -> tuple[User, str]:
    """(user, purpose) for a valid, unused password token; raises InvalidToken otherwise."""
    payload, age = _load(PASSWORD_SALT, token, max(PASSWORD_MAX_AGE.values()))
    purpose = payload.get("p")
    if purpose not in PASSWORD_MAX_AGE:
        raise InvalidToken()
    if age > PASSWORD_MAX_AGE[purpose]:
        raise TokenExpired()
    user = _active_user(payload["u"])
    if payload.get("f") != password_fingerprint(user):
        raise TokenUsed()
    return user, purpose


def make_verification_token(user: User) -> str:
    return _serializer(VERIFICATION_SALT).dumps({"u": user.id, "e": user.email})


def read_verification_token(token: str) -> User:
    """The user whose address this token confirms; raises InvalidToken and its kinds."""
    payload, _age = _load(VERIFICATION_SALT, token, VERIFICATION_MAX_AGE)
    user = _active_user(payload["u"])
    if payload.get("e") != user.email:
        raise InvalidToken()  # the address changed since: this link was for the old one
    if user.email_verified_at is not None:
        raise TokenUsed()
    return user


EMAIL_CHANGE_SALT = "bkm.accounts.change-email"
EMAIL_CHANGE_MAX_AGE = timedelta(days=2)


def make_email_change_token(user: User, new_email: str) -> str:
    """A link for the new address; it holds the credentials fingerprint, so it works once."""
    payload = {"u": user.id, "e": new_email, "f": user.credentials_fingerprint}
    return _serializer(EMAIL_CHANGE_SALT).dumps(payload)


def read_email_change_token(token: str) -> tuple[User, str]:
    """(user, new address) of a valid, unused e-mail change link; raises InvalidToken kinds."""
    payload, _age = _load(EMAIL_CHANGE_SALT, token, EMAIL_CHANGE_MAX_AGE)
    user = _active_user(payload["u"])
    new_email = payload.get("e")
    if not isinstance(new_email, str):
        raise InvalidToken()
    if payload.get("f") != user.credentials_fingerprint:
        raise TokenUsed()  # the address (or password) changed since the link was made
    return user, new_email
