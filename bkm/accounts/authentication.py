"""Logging in: finding the account and checking its password."""

from __future__ import annotations

from sqlalchemy import select

from bkm.accounts.models import User
from bkm.accounts.passwords import hash_password, needs_rehash, verify_password
from bkm.clock import utcnow
from bkm.extensions import db

# Verifying against a real hash when the e-mail is unknown keeps the response time the same,
# so the login form does not tell which addresses have accounts.
_DUMMY_HASH: dict[str, str] = {}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None. Does not commit."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = hash_password("not a real password")
        verify_password(_DUMMY_HASH["hash"], password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user
