"""Access requests (R9.4): the customer asks, we e-mail a signed link to everything we hold.

A request comes from Min side or from staff for a customer who phoned, wrote or came by. It is
answered at once: the mail with the link is queued in the request's own transaction (so
`sent_at` is set there too), and the due date (one month, GDPR art. 12(3)) shows staff
whether an answer is late. The link:

- is signed with a salt of its own and expires after `LINK_MAX_AGE` (7 days);
- names the request and the customer, and holds the customer's credentials fingerprint, so a
  password or e-mail change voids it (the mail went to the address in force when it was sent).
  A customer without a password (a guest from checkout, or registered by staff) cannot log in
  yet: their mail also carries a link to choose one, and their access link holds the e-mail
  address instead, so choosing that first password does not void it (a new address does);
- works only for the same customer, logged in; opening it builds the access export
  (bkm.privacy.export) then and there, and the first download is recorded.

A second request while one less than a day old is still open (not downloaded) is refused with
the time of the first: the link is in the mail already, and nobody can flood an inbox.
Rules never commit.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, select

from bkm.accounts.mailing import mail_link
from bkm.accounts.models import User
from bkm.accounts.tokens import (
    PASSWORD_MAX_AGE,
    InvalidToken,
    TokenExpired,
    TokenUsed,
    make_password_token,
)
from bkm.audit.recording import record_view
from bkm.clock import to_oslo, utcnow
from bkm.extensions import db
from bkm.mail.outbox import queue_mail
from bkm.privacy.models import ACCESS_CHANNELS, AccessRequest

ACCESS_SALT = "bkm.privacy.access-link"
LINK_MAX_AGE = timedelta(days=7)
REPEAT_INTERVAL = timedelta(hours=24)
LINK_ENDPOINT = "mypage.access_download"
MAIL_KIND = "access_request"
STAFF_CHANNELS = {k: v for k, v in ACCESS_CHANNELS.items() if k != "min_side"}

__all__ = ["InvalidToken", "TokenExpired", "TokenUsed"]  # the link's failures, re-exported


class AccessRequestRefused(Exception):
    """The request cannot be made; the message is for people, in Norwegian."""


class RequestedRecently(AccessRequestRefused):
    """An open request less than a day old exists; its link is in the customer's inbox."""

    def __init__(self, existing: AccessRequest) -> None:
        self.existing = existing
        sent = to_oslo(existing.sent_at or existing.received_at)
        super().__init__(
            f"Vi sendte en lenke til {existing.user.email} {sent:%d.%m.%Y} kl. {sent:%H:%M}. "
            "Den virker i sju dager. Finner du den ikke, sjekk søppelposten; du kan be om en "
            "ny lenke når det har gått et døgn."
        )


class ForeignLink(InvalidToken):
    """A genuine link, but for another customer than the one logged in."""


def one_month_after(day: date) -> date:
    """The same day next month, or that month's last day when it has none (31.01 → 28.02)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find_customer(email: str) -> User | None:
    """The customer with this e-mail address (stored lower-case), or None."""
    wanted = email.strip().lower()
    return db.session.scalar(select(User).where(User.email == wanted, User.role == "customer"))


def open_request_of(user: User, now: datetime | None = None) -> AccessRequest | None:
    """The customer's newest request received less than a day ago and not downloaded yet."""
    since = (now or utcnow()) - REPEAT_INTERVAL
    return db.session.scalar(
        select(AccessRequest)
        .where(
            AccessRequest.user_id == user.id,
            AccessRequest.received_at > since,
            AccessRequest.downloaded_at.is_(None),
        )
        .order_by(AccessRequest.received_at.desc(), AccessRequest.id.desc())
        .limit(1)
    )


def request_access(
    user: User,
    channel: str = "min_side",
    *,
    registered_by: User | None = None,
    now: datetime | None = None,
) -> AccessRequest:
    """Record the request and queue the mail with its link. Raises AccessRequestRefused."""
    if channel not in ACCESS_CHANNELS:
        raise ValueError(f"unknown access request channel {channel!r}")
    if user.role != "customer" or not user.is_active:
        raise AccessRequestRefused("Innsyn kan bare sendes til en aktiv kundekonto.")
    now = now or utcnow()
    if (existing := open_request_of(user, now)) is not None:
        raise RequestedRecently(existing)
    request = AccessRequest(
        user_id=user.id,
        channel=channel,
        received_at=now,
        due_on=one_month_after(to_oslo(now).date()),
        registered_by_id=registered_by.id if registered_by else None,
    )
    db.session.add(request)
    db.session.flush()  # the id goes into the link
    queue_mail(
        "access_request",
        to=user.email,
        kind=MAIL_KIND,
        reference=f"access_request:{request.id}",
        user=user,
        link=mail_link(LINK_ENDPOINT, token=make_access_token(request, user)),
        valid_days=LINK_MAX_AGE.days,
        channel=channel,
        password_link=_password_link(user),
        password_days=PASSWORD_MAX_AGE["welcome"].days,
    )
    request.sent_at = now
    if registered_by is not None:
        record_view(registered_by, user.id, "access_request", f"access_request:{request.id}")
    return request


def _password_link(user: User) -> str | None:
    """For a customer who has no password yet: a link to choose one, so they can log in."""
    if user.password_hash is not None:
        return None
    return mail_link("accounts.reset_password", token=make_password_token(user, "welcome"))


def record_download(request: AccessRequest, now: datetime | None = None) -> None:
    """The customer fetched the data: the first time is the one that counts."""
    if request.downloaded_at is None:
        request.downloaded_at = now or utcnow()


def access_request_list(only_open: bool = False) -> Select:
    """Every request for the staff list, newest first; `only_open`: not downloaded yet."""
    stmt = select(AccessRequest)
    if only_open:
        stmt = stmt.where(AccessRequest.downloaded_at.is_(None))
    return stmt.order_by(AccessRequest.received_at.desc(), AccessRequest.id.desc())


def requests_of(user: User, limit: int = 10) -> list[AccessRequest]:
    return list(
        db.session.scalars(
            select(AccessRequest)
            .where(AccessRequest.user_id == user.id)
            .order_by(AccessRequest.received_at.desc(), AccessRequest.id.desc())
            .limit(limit)
        )
    )


def link_expires_at(request: AccessRequest) -> datetime | None:
    return request.sent_at + LINK_MAX_AGE if request.sent_at else None


# --- the link ----------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACCESS_SALT)


def make_access_token(request: AccessRequest, user: User) -> str:
    payload: dict[str, int | str] = {"r": request.id, "u": user.id}
    if user.password_hash is None:
        payload["e"] = user.email  # their first password must not void it; a new address does
    else:
        payload["f"] = user.credentials_fingerprint
    return _serializer().dumps(payload)


def read_access_token(token: str, user: User) -> AccessRequest:
    """The request a link opens for the logged-in `user`.

    Raises TokenExpired (older than 7 days), TokenUsed (the password or e-mail changed since),
    ForeignLink (another customer's link) or InvalidToken (anything else).
    """
    try:
        payload = _serializer().loads(token, max_age=int(LINK_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise TokenExpired() from None
    except BadSignature:
        raise InvalidToken() from None
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(key), int) for key in ("r", "u")
    ):
        raise InvalidToken()
    bound_to = payload.get("f", payload.get("e"))
    if not isinstance(bound_to, str):
        raise InvalidToken()
    if payload["u"] != user.id:
        raise ForeignLink()
    request = db.session.get(AccessRequest, payload["r"])
    if request is None or request.user_id != user.id:
        raise InvalidToken()
    current = user.credentials_fingerprint if "f" in payload else user.email
    if bound_to != current:
        raise TokenUsed()
    return request
