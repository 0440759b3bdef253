"""send_due against a real SMTP server: delivery, retries with backoff, giving up, stale claims."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bkm.clock import utcnow
from bkm.extensions import db
from bkm.mail import sender
from bkm.mail.models import MailMessage
from bkm.mail.outbox import queue_mail
from bkm.mail.sender import backoff, send_due
from tests.mail.helpers import PDF, queue_greetings, queue_invoice_mail, row


@pytest.fixture
def clock(monkeypatch):
    """Move the sender's clock forward, as if time had passed between runs."""

    def advance(delta: timedelta) -> None:
        moved = utcnow() + delta
        monkeypatch.setattr(sender, "utcnow", lambda: moved)

    return advance


def test_queued_mail_arrives_with_subject_utf8_text_html_and_pdf_intact(smtp_server):
    queued = queue_invoice_mail()

    report = send_due()

    assert (report.sent, report.failed, report.waiting) == (1, 0, 0)
    [mail] = smtp_server.messages
    assert mail["Subject"] == "Hei, Kåre Ærlig"
    assert mail["To"] == "kari@example.no"
    assert mail["From"] == "Brukte Kontormøbler <post@bruktekontormobler.no>"
    assert mail["Message-ID"] == queued.message_id
    assert mail["List-Unsubscribe"] == "<https://bruktekontormobler.no/nyhetsbrev/avmeld/x>"
    assert "æøå ÆØÅ" in mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "<strong>Kåre Ærlig</strong>" in html and "æøå ÆØÅ" in html
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == "faktura-1042.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    stored = row(queued.id)
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 0, None)
    assert stored.sent_at is not None and stored.claimed_at is None


def test_sent_mail_is_not_sent_again_by_a_later_run(smtp_server):
    queue_greetings(2)
    assert send_due().sent == 2
    assert send_due().sent == 0
    assert len(smtp_server.messages) == 2


def test_uncommitted_mail_is_invisible_to_senders_and_gone_after_rollback(app, smtp_server):
    queue_mail("test_greeting", "kari@example.no", name="Kari")
    db.session.flush()  # in the database, inside this unit of work, not committed
    reports = []

    def other_sender() -> None:
        with app.app_context():
            reports.append(send_due())

    worker = threading.Thread(target=other_sender)
    worker.start()
    worker.join(timeout=30)
    db.session.rollback()

    assert reports[0].sent == 0
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0
    assert send_due().sent == 0
    assert smtp_server.messages == []


def test_send_due_refuses_to_commit_a_callers_unsaved_changes(smtp_server):
    queue_mail("test_greeting", "kari@example.no", name="Kari")
    with pytest.raises(RuntimeError, match="outside a unit of work"):
        send_due()
    assert smtp_server.messages == []


def test_refused_mail_waits_one_minute_then_arrives_exactly_once(smtp_server, clock):
    [message_id] = queue_greetings()
    smtp_server.fail_with("550 5.7.1 Ikke nå")

    before = utcnow()
    report = send_due()

    assert (report.sent, report.failed, report.waiting) == (0, 1, 1)
    failed = row(message_id)
    assert (failed.status, failed.attempts) == ("queued", 1)
    assert "550 5.7.1 Ikke nå" in failed.last_error
    expected = before + timedelta(minutes=1)
    assert expected <= failed.next_attempt_at <= utcnow() + timedelta(minutes=1)
    assert failed.claimed_at is None

    smtp_server.recover()
    assert send_due().sent == 0  # the minute has not passed
    clock(timedelta(minutes=1, seconds=1))
    assert send_due().sent == 1
    assert send_due().sent == 0
    assert [m["Message-ID"] for m in smtp_server.messages] == [failed.message_id]
    assert (row(message_id).status, row(message_id).attempts) == ("sent", 1)


def test_unreachable_server_counts_an_attempt_and_keeps_the_mail(app, smtp_server, monkeypatch):
    [message_id] = queue_greetings()
    with socket.socket() as closed:  # bound, never listening: the port refuses connections
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setitem(app.config, "SMTP_PORT", closed.getsockname()[1])
        assert send_due().failed == 1

    stored = row(message_id)
    assert (stored.status, stored.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in stored.last_error


def test_failure_record_and_log_name_no_address(smtp_server, caplog):
    [message_id] = queue_greetings()
    smtp_server.fail_with("550 5.1.1 <kari+0@example.no>: ukjent mottaker", at="RCPT")

    send_due()

    stored = row(message_id)
    assert "550 5.1.1" in stored.last_error
    assert "example.no" not in stored.last_error
    assert caplog.records and "example.no" not in caplog.text


def test_backoff_grows_from_one_minute_to_a_day_and_stays_there():
    pauses = [backoff(attempts) for attempts in range(1, 9)]
    assert pauses == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
        timedelta(hours=24),
        timedelta(hours=24),
        timedelta(hours=24),
    ]


def test_mail_is_marked_failed_after_max_attempts(app, smtp_server, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    [message_id] = queue_greetings()
    smtp_server.fail_with("451 4.3.0 Prøv igjen senere")

    reports = []
    for days in range(3):
        clock(timedelta(days=days))
        reports.append(send_due())

    assert [(r.failed, r.given_up) for r in reports] == [(1, 0), (1, 0), (1, 1)]
    assert (row(message_id).status, row(message_id).attempts) == ("failed", 3)
    smtp_server.recover()
    clock(timedelta(days=30))
    assert send_due().sent == 0
    assert smtp_server.messages == []


def test_mail_that_cannot_be_built_fails_at_once_without_retries(smtp_server):
    queue_mail("test_greeting", "kari@example.no, ola@example.no", name="Kari")
    db.session.commit()

    report = send_due()

    assert (report.failed, report.given_up) == (1, 1)
    stored = db.session.scalars(select(MailMessage)).one()
    assert stored.status == "failed" and "one valid e-mail address" in stored.last_error
    assert smtp_server.messages == []


def test_stale_sending_claim_is_queued_again_and_sent_with_the_same_message_id(smtp_server):
    stale_id, fresh_id = queue_greetings(2)
    # Two senders claimed these and went quiet: one 11 minutes ago, one a minute ago.
    for message_id, claimed_ago in ((stale_id, 11), (fresh_id, 1)):
        db.session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id)
            .values(status="sending", claimed_at=utcnow() - timedelta(minutes=claimed_ago))
        )
    db.session.commit()

    report = send_due()

    assert (report.requeued, report.sent) == (1, 1)
    stale, fresh = row(stale_id), row(fresh_id)
    assert (stale.status, stale.attempts) == ("sent", 1)
    assert [m["Message-ID"] for m in smtp_server.messages] == [stale.message_id]
    assert fresh.status == "sending"  # its sender may still be at work


def test_stop_request_finishes_the_current_mail_and_leaves_the_rest_queued(smtp_server):
    queue_greetings(3)
    report = send_due(should_stop=lambda: len(smtp_server.messages) >= 1)
    assert (report.sent, report.waiting) == (1, 2)
