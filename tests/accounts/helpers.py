"""Shared by the account and admin tests: queued mail, links in it, tokens from the past."""

from __future__ import annotations

import re
from contextlib import contextmanager

from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from bkm.accounts.models import User
from bkm.extensions import db
from bkm.mail.models import MailMessage

LINK = re.compile(r"http://localhost(/konto/[a-z-]+/[A-Za-z0-9_.\-]+)")
STALE_FORM_MESSAGE = "Skjemaet er utløpt"


def mails(kind: str | None = None) -> list[MailMessage]:
    db.session.expire_all()
    stmt = select(MailMessage).order_by(MailMessage.id)
    if kind:
        stmt = stmt.where(MailMessage.kind == kind)
    return list(db.session.scalars(stmt))


def link_in(message: MailMessage) -> str:
    """The path of the one account link in a mail; the HTML part must carry the same link."""
    paths = set(LINK.findall(message.text_body))
    assert len(paths) == 1, message.text_body
    (path,) = paths
    assert message.html_body and f'href="http://localhost{path}"' in message.html_body
    return path


def user_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's


@contextmanager
def signed_seconds_ago(monkeypatch, seconds: int, *, salt: str | None = None):
    """What itsdangerous signs inside the block (our links, CSRF tokens) is that old; with
    `salt`, only what is signed for that purpose (so the session cookie stays valid)."""
    real = TimestampSigner.get_timestamp

    def shifted(signer) -> int:
        if salt is None or signer.salt == salt.encode():
            return real(signer) - seconds
        return real(signer)

    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", shifted)
        yield
