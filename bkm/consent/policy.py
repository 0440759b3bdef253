"""The privacy statement's versions: what is in force, what a consent must be given to.

Every request needs to know the current version (the banner, the consent cookie, the login
gate), so each worker keeps a snapshot for POLICY_CACHE_SECONDS; publishing clears it at once
in the worker that published, and the others catch up within those seconds.

When no version has been published yet (a new shop), version 1 is published from the text
that ships with the code (default_policy.md), so the page and the ledger always refer to a
stored text.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bkm.clock import utcnow
from bkm.consent.models import PolicyVersion
from bkm.consent.registry import offered_purposes
from bkm.extensions import db

DEFAULT_POLICY = Path(__file__).with_name("default_policy.md")
DEFAULT_SUMMARY = "Første versjon av personvernerklæringen i nettbutikken."


class PolicyError(Exception):
    """A publishing rule was broken; the message is for the manager, in Norwegian."""


@dataclass(frozen=True)
class PolicySnapshot:
    version: int  # the version in force
    required_version: int  # the newest version that needs a new consent
    change_summary: str  # what changed in required_version ("hva er endret")
    body_digest: str  # sha256 of the version in force's text


def _published() -> select:
    return select(PolicyVersion).where(PolicyVersion.version.is_not(None))


def current_version() -> PolicyVersion:
    """The published version in force, publishing the shipped text first in a new shop."""
    latest = db.session.scalars(
        _published().order_by(PolicyVersion.version.desc()).limit(1)
    ).first()
    return latest or _publish_shipped_text()


def _publish_shipped_text() -> PolicyVersion:
    first = PolicyVersion(
        version=1,
        body=DEFAULT_POLICY.read_text(encoding="utf-8"),
        change_summary=DEFAULT_SUMMARY,
        requires_consent=True,
        published_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(first)
        db.session.commit()
    except IntegrityError:  # another worker published it first
        db.session.rollback()
        return db.session.scalars(_published().where(PolicyVersion.version == 1)).one()
    return first


def snapshot() -> PolicySnapshot:
    store = current_app.extensions["bkm_policy_snapshot"]
    return store.get() or store.put(_load_snapshot())


def _load_snapshot() -> PolicySnapshot:
    in_force = current_version()
    required = db.session.scalars(
        _published()
        .where(PolicyVersion.requires_consent.is_(True))
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    ).first()
    required = required or in_force
    return PolicySnapshot(
        version=in_force.version,
        required_version=required.version,
        change_summary=required.change_summary if required.version > 1 else "",
        body_digest=hashlib.sha256(in_force.body.encode()).hexdigest(),
    )


def text_digest(policy: PolicySnapshot) -> str:
    """A digest of everything a choice was made on: the statement and the purposes' texts."""
    digest = hashlib.sha256(policy.body_digest.encode())
    for offered in offered_purposes(current_app.config):
        digest.update(
            "\x1f".join(
                [offered.key, offered.name, offered.what, offered.by_whom, offered.why]
            ).encode()
        )
    return digest.hexdigest()


class SnapshotStore:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._value: tuple[float, PolicySnapshot] | None = None

    def get(self) -> PolicySnapshot | None:
        with self._lock:
            if self._value and self._value[0] > time.monotonic():
                return self._value[1]
        return None

    def put(self, value: PolicySnapshot) -> PolicySnapshot:
        with self._lock:
            self._value = (time.monotonic() + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._value = None


def forget_snapshot() -> None:
    current_app.extensions["bkm_policy_snapshot"].clear()


_PUBLISHED = "bkm_policy_published"


@event.listens_for(Session, "after_flush")
def _note_publishing(db_session: Session, _flush_context) -> None:
    if any(isinstance(obj, PolicyVersion) for obj in (*db_session.new, *db_session.dirty)):
        db_session.info[_PUBLISHED] = True


@event.listens_for(Session, "after_commit")
def _forget_after_publishing(db_session: Session) -> None:
    if db_session.info.pop(_PUBLISHED, False) and has_app_context():
        forget_snapshot()


# --- drafts and publishing (the admin views call these) ---------------------------------


def start_draft(author_id: int | None) -> PolicyVersion:
    """A new draft that starts from the text in force."""
    in_force = current_version()
    draft = PolicyVersion(body=in_force.body, change_summary="", created_by_id=author_id)
    db.session.add(draft)
    db.session.flush()
    return draft


def update_draft(
    draft: PolicyVersion, *, body: str, change_summary: str, requires_consent: bool
) -> None:
    if draft.is_published:
        raise PolicyError("En publisert versjon kan ikke endres. Lag en ny versjon.")
    if not body.strip():
        raise PolicyError("Teksten kan ikke være tom.")
    draft.body = body.strip() + "\n"
    draft.change_summary = change_summary.strip()
    draft.requires_consent = requires_consent


def publish(draft: PolicyVersion, publisher_id: int | None) -> PolicyVersion:
    """Give the draft the next version number and put it in force."""
    if draft.is_published:
        raise PolicyError("Denne versjonen er allerede publisert.")
    if draft.requires_consent and not draft.change_summary.strip():
        raise PolicyError(
            "Skriv hva som er endret: kundene får se det når de blir bedt om nytt samtykke."
        )
    current_version()  # a new shop's version 1 exists before the first manager's version
    latest = db.session.scalar(select(func.max(PolicyVersion.version))) or 0
    draft.version = latest + 1
    draft.published_at = utcnow()
    draft.published_by_id = publisher_id
    db.session.flush()
    return draft


def drafts() -> list[PolicyVersion]:
    """The versions not yet published, newest first (the admin's list of versions)."""
    return list(
        db.session.scalars(
            select(PolicyVersion)
            .where(PolicyVersion.version.is_(None))
            .order_by(PolicyVersion.id.desc())
        )
    )


def published_versions() -> list[PolicyVersion]:
    current_version()
    return list(db.session.scalars(_published().order_by(PolicyVersion.version.desc())))


def published(version: int) -> PolicyVersion | None:
    return db.session.scalars(_published().where(PolicyVersion.version == version)).first()


def init_app(app) -> None:
    app.extensions["bkm_policy_snapshot"] = SnapshotStore(app.config["POLICY_CACHE_SECONDS"])
