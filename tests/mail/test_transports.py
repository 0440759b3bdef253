"""The transports: .eml files for development, SMTP that never falls back to plain text."""

from __future__ import annotations

import email
import smtplib
from email.policy import default

import pytest

from bkm.mail.building import build_email
from bkm.mail.sender import send_due
from bkm.mail.transports import FileTransport, SMTPTransport, transport_from_config
from tests.mail.helpers import PDF, queue_invoice_mail, row


def test_file_transport_writes_each_mail_as_a_parseable_eml(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "file")
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path / "mail"))
    queued = queue_invoice_mail()

    assert send_due().sent == 1

    [written] = (tmp_path / "mail").glob("*.eml")
    mail = email.message_from_bytes(written.read_bytes(), policy=default)
    assert mail["Message-ID"] == queued.message_id
    assert mail["Subject"] == "Hei, Kåre Ærlig"
    assert "æøå ÆØÅ" in mail.get_body(("plain",)).get_content()
    assert next(mail.iter_attachments()).get_content() == PDF
    assert list((tmp_path / "mail").glob("*.part")) == []


def test_file_transport_replaces_the_file_when_a_mail_is_sent_again(app, tmp_path):
    message = build_email(queue_invoice_mail(), app.config["MAIL_FROM"])
    transport = FileTransport(tmp_path)
    transport.send(message)
    transport.send(message)
    assert len(list(tmp_path.glob("*.eml"))) == 1


def test_starttls_refused_by_server_fails_instead_of_sending_in_plain_text(
    app, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "starttls")
    queued = queue_invoice_mail()

    assert send_due().failed == 1

    assert smtp_server.messages == []
    assert "STARTTLS" in row(queued.id).last_error


def test_smtp_transport_repr_shows_no_password():
    transport = SMTPTransport("smtp.example.no", username="butikk", password="hemmelig")
    assert "hemmelig" not in repr(transport)


def test_goodbye_failing_after_accepted_mail_is_not_a_failed_send(app, smtp_server, monkeypatch):
    def broken_quit(self):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(smtplib.SMTP, "quit", broken_quit)
    queued = queue_invoice_mail()

    report = send_due()

    assert (report.sent, report.failed) == (1, 0)
    assert row(queued.id).status == "sent"
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("password", [123456, "123456"])
def test_numeric_password_from_the_environment_is_used_as_text(app, monkeypatch, password):
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.no")
    monkeypatch.setitem(app.config, "SMTP_USERNAME", "butikk")
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", password)
    assert transport_from_config(app.config).password == "123456"
