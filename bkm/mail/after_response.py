"""Development convenience: mail queued by a request is delivered right after its response.

Only a request whose session committed a queued mail pays for it, and only after the
response has gone to the browser (`call_on_close`); ordinary page views do no mail work at
all. Production leaves this off and runs `flask bkm mail send --watch` (or cron) instead,
so a slow SMTP server never holds a gunicorn worker.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from bkm.extensions import db
from bkm.mail.sender import send_due

log = logging.getLogger(__name__)

QUEUED_KEY = "bkm_mail_queued"  # in Session.info: this session added a mail not yet committed


def init_app(app: Flask) -> None:
    if not event.contains(db.session, "after_commit", _note_commit):
        event.listen(db.session, "after_commit", _note_commit)
        event.listen(db.session, "after_soft_rollback", _forget_queued)
    app.after_request(_send_after_response)


def mark_queued() -> None:
    """Called by queue_mail: the current session holds a mail that a commit will release."""
    db.session.info[QUEUED_KEY] = True


def _note_commit(session: Session) -> None:
    if session.info.pop(QUEUED_KEY, False) and has_request_context():
        g.bkm_mail_committed = True


def _forget_queued(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: the mail is gone
        session.info.pop(QUEUED_KEY, None)


def _send_after_response(response: Response) -> Response:
    if current_app.config["MAIL_SEND_AFTER_REQUEST"] and g.pop("bkm_mail_committed", False):
        app = current_app._get_current_object()
        response.call_on_close(lambda: _send_due(app))
    return response


def _send_due(app: Flask) -> None:
    # The request's contexts are gone when the response closes; this runs in its own.
    with app.app_context():
        try:
            send_due()
        except Exception:  # the visitor has their page; the queue keeps the mail for later
            log.exception("sending mail after the response failed")
