"""The account mails (verification, password reset, welcome), queued in the caller's transaction."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select

from bkm.accounts.models import User
from bkm.clock import utcnow
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.outbox import queue_mail

# One mail of a kind per account and minute is enough: the forms cannot be used to flood
# someone's inbox.
RESEND_INTERVAL = timedelta(seconds=60)


def mail_link(endpoint: str, **values) -> str:
    """An absolute link for a mail. With SHOP_URL set (BKM_SHOP_URL, e.g.
    https://bruktekontormobler.no) links never depend on the request's Host header, so a
    forged Host cannot put a working reset token into a link to someone else's site."""
    base = current_app.config.get("SHOP_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, _external=False, **values)
    return url_for(endpoint, _external=True, **values)


def _reference(user: User) -> str:
    return f"user:{user.id}"


def mailed_recently(user: User, kind: str) -> bool:
    since = utcnow() - RESEND_INTERVAL
    stmt = select(MailMessage.id).where(
        MailMessage.kind == kind,
        MailMessage.reference == _reference(user),
        MailMessage.created_at >= since,
    )
    return db.session.scalar(stmt.limit(1)) is not None


def queue_account_mail(kind: str, user: User, link: str, **context) -> MailMessage:
    return queue_mail(
        kind,
        to=user.email,
        kind=kind,
        reference=_reference(user),
        user=user,
        link=link,
        shop_url=mail_link("catalog.index"),
        **context,
    )
