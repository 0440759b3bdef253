"""Delivering the outbox: each committed mail is sent once, retried on failure, never lost.

Any number of senders may run at once (gunicorn workers sending after a response, a cron
job, `bkm mail send --watch`). Each row goes through these committed steps:

1. claim: `UPDATE … SET status='sending' WHERE id=? AND status='queued'`, committed before
   the SMTP call. Exactly one sender's UPDATE can match: PostgreSQL makes a second UPDATE
   of the row wait for the first to commit and then re-checks the status, and SQLite runs
   one writer at a time. Only the sender whose UPDATE matched goes on to send the row.
2. send through the transport.
3. success: status 'sent' with sent_at, committed at once. Failure: attempts + 1, the error
   (without addresses) in last_error, status back to 'queued' with next_attempt_at after
   a growing pause (BACKOFF), or 'failed' after MAIL_MAX_ATTEMPTS.

A sender that dies between 1 and 3 leaves its row in 'sending'. After MAIL_CLAIM_TIMEOUT
seconds such a row is queued again, counted as an attempt. That is the one case a mail can
go out twice: the dead sender may have handed it over just before dying, and nobody can
know. Sending again is the right trade, because a lost order confirmation or password
reset does harm, while a duplicate carries the same Message-ID, which receiving systems
use to recognise it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, func, select, update

from bkm.clock import utcnow
from bkm.extensions import db
from bkm.mail.building import UnbuildableMail, build_email
from bkm.mail.models import MailMessage
from bkm.mail.redaction import describe_error
from bkm.mail.transports import Transport, transport_from_config

log = logging.getLogger(__name__)

# Pause before attempt n + 1 after n failed attempts; the last entry repeats.
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 30, 2 * 60, 6 * 60, 24 * 60))


@dataclass
class SendReport:
    sent: int = 0  # delivered in this run
    failed: int = 0  # attempts that failed in this run (retried later or given up)
    given_up: int = 0  # of those, mails now marked failed for good
    requeued: int = 0  # stale claims put back in the queue
    waiting: int = 0  # mails still queued after this run, due now or later


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def send_due(
    limit: int = 100,
    *,
    transport: Transport | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> SendReport:
    """Send up to `limit` due mails; stop early, between two mails, when should_stop() says so.

    Commits after every step, so it must not run inside someone else's unit of work: it
    refuses a session holding unsaved changes instead of committing them.
    """
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("send_due commits; call it outside a unit of work")
    transport = transport or transport_from_config(current_app.config)
    report = SendReport(requeued=requeue_stale_claims())
    due = session.scalars(
        select(MailMessage.id)
        .where(MailMessage.status == "queued", MailMessage.next_attempt_at <= utcnow())
        .order_by(MailMessage.next_attempt_at, MailMessage.id)
        .limit(limit)
    ).all()
    session.commit()
    for message_id in due:
        if should_stop():
            break
        if _claim(message_id):
            _deliver(message_id, transport, report)
    report.waiting = session.scalar(
        select(func.count()).select_from(MailMessage).where(MailMessage.status == "queued")
    )
    session.commit()
    return report


def _claim(message_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        update(MailMessage)
        .where(
            MailMessage.id == message_id,
            MailMessage.status == "queued",
            # Another sender may have failed it meanwhile and scheduled a later attempt.
            MailMessage.next_attempt_at <= now,
        )
        .values(status="sending", claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _deliver(message_id: int, transport: Transport, report: SendReport) -> None:
    row = db.session.get(MailMessage, message_id)
    if row is None:  # deleted after the claim (an erasure); nothing left to send
        db.session.commit()
        return
    kind, attempts = row.kind, row.attempts
    try:
        email = build_email(row, current_app.config["MAIL_FROM"])
    except Exception as error:
        permanent = isinstance(error, UnbuildableMail)
        _record_failure(message_id, kind, attempts, error, report, permanent=permanent)
        return
    # End the read transaction: no pooled connection waits on a slow SMTP server.
    db.session.commit()
    try:
        transport.send(email)
    except Exception as error:  # every failure is retried; the transport says what it was
        _record_failure(message_id, kind, attempts, error, report)
        return
    _set(message_id, status="sent", sent_at=utcnow(), claimed_at=None, last_error=None)
    report.sent += 1


def _record_failure(
    message_id: int,
    kind: str,
    attempts: int,
    error: Exception,
    report: SendReport,
    *,
    permanent: bool = False,
) -> None:
    db.session.rollback()  # a database error while building leaves the transaction unusable
    attempts += 1
    give_up = permanent or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    reason = describe_error(error)
    _set(
        message_id,
        status="failed" if give_up else "queued",
        attempts=attempts,
        last_error=reason,
        next_attempt_at=utcnow() + backoff(attempts),
        claimed_at=None,
    )
    report.failed += 1
    report.given_up += give_up
    # The row id finds the recipient for whoever may see it; the log never names them.
    log.warning(
        "mail %s (%s) attempt %s %s: %s",
        message_id,
        kind,
        attempts,
        "failed for good" if give_up else "failed, will retry",
        reason,
    )


def _set(message_id: int, **values) -> None:
    db.session.execute(
        update(MailMessage)
        .where(MailMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def requeue_stale_claims() -> int:
    """Queue again the mails whose sender has held them longer than MAIL_CLAIM_TIMEOUT."""
    now = utcnow()
    config = current_app.config
    stale_before = now - timedelta(seconds=config["MAIL_CLAIM_TIMEOUT"])
    stale = (MailMessage.status == "sending", MailMessage.claimed_at < stale_before)
    # Look before writing: on SQLite even an UPDATE that matches nothing takes the write lock.
    if not db.session.scalar(select(MailMessage.id).where(*stale).limit(1)):
        db.session.commit()
        return 0
    requeued = db.session.execute(
        update(MailMessage)
        .where(*stale)
        .values(
            status=case(
                (MailMessage.attempts + 1 >= config["MAIL_MAX_ATTEMPTS"], "failed"),
                else_="queued",
            ),
            attempts=MailMessage.attempts + 1,
            last_error="the sender stopped while sending; it may or may not have gone out",
            next_attempt_at=now,
            claimed_at=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if requeued:
        log.warning("re-queued %s mail(s) left in 'sending' by a stopped sender", requeued)
    return requeued
