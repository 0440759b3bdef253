"""Signed links in newsletter mail: confirming a subscription, and leaving the list.

Nothing is stored for them. A confirmation link holds the user id and is valid for 7 days;
an unsubscribe link holds the user id and is valid for a year (old newsletters in an inbox
should still work); both are signed with the app's secret and a salt of their own, so one
kind of link is worthless as the other, and a tampered one identifies nobody.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_SALT = "bkm.newsletter.confirm"
UNSUBSCRIBE_SALT = "bkm.newsletter.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)
UNSUBSCRIBE_MAX_AGE = timedelta(days=366)


class BadLink(Exception):
    """Tampered, for another purpose, or malformed: the page says so in Norwegian."""


class ExpiredLink(BadLink):
    """Genuine but too old."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_token(salt: str, user_id: int) -> str:
    return _serializer(salt).dumps({"u": user_id})


def read_token(salt: str, token: str, max_age: timedelta) -> int:
    """The user id in a genuine, unexpired token of this kind."""
    if not token or len(token) > 300:
        raise BadLink()
    try:
        payload = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise ExpiredLink() from error
    except BadSignature as error:
        raise BadLink() from error
    user_id = payload.get("u") if isinstance(payload, dict) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id < 1:
        raise BadLink()
    return user_id


def confirm_token(user_id: int) -> str:
    return make_token(CONFIRM_SALT, user_id)


def unsubscribe_token(user_id: int) -> str:
    return make_token(UNSUBSCRIBE_SALT, user_id)
