"""The visitor's choice, kept in one signed first-party cookie.

The cookie holds a random consent id (the ledger's key for this browser), the purposes given
and the policy version the choice was made on; it is signed with the app's secret and dated,
so a forged, malformed or year-old cookie reads as "no choice", never as an error.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import Request, current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from bkm.consent.registry import CHOICE_LIFETIME, PURPOSES

SALT = "bkm-consent-choice"
_KNOWN = frozenset(p.key for p in PURPOSES if p.optional and p.in_banner)
MAX_COOKIE_LENGTH = 400  # ours are ~150 characters; anything far longer is not ours


@dataclass(frozen=True)
class Choice:
    consent_id: str
    granted: frozenset[str]
    policy_version: int


def new_consent_id() -> str:
    return secrets.token_hex(16)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def encode_choice(choice: Choice) -> str:
    return _serializer().dumps(
        {"i": choice.consent_id, "g": sorted(choice.granted), "v": choice.policy_version}
    )


def decode_choice(value: str | None) -> Choice | None:
    """The choice in a cookie value, or None when it is missing, forged, malformed or expired."""
    if not value or len(value) > MAX_COOKIE_LENGTH:
        return None
    verified = _verified(current_app.secret_key, value)
    if verified is None:
        return None
    data, signed_at = verified
    if time.time() - signed_at > CHOICE_LIFETIME.total_seconds():
        return None
    if not isinstance(data, dict):
        return None
    consent_id, granted, version = data.get("i"), data.get("g"), data.get("v")
    if not (isinstance(consent_id, str) and len(consent_id) == 32 and consent_id.isalnum()):
        return None
    if not (isinstance(granted, list) and all(isinstance(g, str) for g in granted)):
        return None
    if not set(granted) <= _KNOWN:
        return None
    if not (isinstance(version, int) and not isinstance(version, bool) and version >= 1):
        return None
    return Choice(consent_id=consent_id, granted=frozenset(granted), policy_version=version)


@lru_cache(maxsize=4096)
def _verified(secret_key: str, value: str) -> tuple[object, float] | None:
    """(payload, signing time) of a cookie with a good signature. A browser sends the same
    cookie on every request, so each worker checks its signature once, not each time; the
    age is still checked on every request."""
    try:
        data, signed_at = URLSafeTimedSerializer(secret_key, salt=SALT).loads(
            value, return_timestamp=True
        )
    except BadData:
        return None
    return data, signed_at.timestamp()


def refuses_tracking(request: Request) -> bool:
    """Global Privacy Control or Do Not Track: a standing "no" to statistics and marketing."""
    return request.headers.get("Sec-GPC", "").strip() == "1" or (
        request.headers.get("DNT", "").strip() == "1"
    )
