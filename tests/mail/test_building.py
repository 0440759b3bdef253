"""An outbox row becomes an e-mail: the shop's headers, UTF-8 parts, nothing smuggled in."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest

from bkm.extensions import db
from bkm.mail.building import UnbuildableMail, build_email
from bkm.mail.models import MailMessage
from bkm.mail.outbox import queue_mail
from tests.mail.helpers import queue_invoice_mail

SENDER = "Brukte Kontormøbler <post@bruktekontormobler.no>"


def round_trip(row: MailMessage):
    return message_from_bytes(build_email(row, SENDER).as_bytes(), policy=default)


def test_mail_keeps_the_rows_message_id_and_queue_time_on_every_build(app):
    queued = queue_invoice_mail()
    first, second = round_trip(queued), round_trip(queued)
    assert first["Message-ID"] == second["Message-ID"] == queued.message_id
    assert first["Date"].datetime == queued.created_at.replace(microsecond=0)
    assert first["Date"] == second["Date"]


def test_text_only_row_becomes_one_text_plain_part_in_utf8(app):
    message = queue_mail("test_greeting", "kari@example.no", name="Åse")
    message.html_body = None
    db.session.flush()  # the row as the sender reads it: with its queue time

    mail = round_trip(message)

    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert "Hei Åse!" in mail.get_content()
    assert build_email(message, SENDER).as_bytes().isascii()  # safe through 7-bit relays


@pytest.mark.parametrize("name", ["To", "bcc", "Cc", "Message-ID", "Content-Type"])
def test_extra_header_may_not_replace_the_shops_own_or_add_recipients(app, name):
    message = queue_mail(
        "test_greeting", "kari@example.no", name="Kari", headers={name: "x@example.no"}
    )
    db.session.flush()
    with pytest.raises(UnbuildableMail, match="reserved"):
        build_email(message, SENDER)


@pytest.mark.parametrize(
    "recipient", ["kari@example.no, ola@example.no", "kari@example.no\r\nBcc: x@y.no", "kari"]
)
def test_recipient_must_be_exactly_one_address(app, recipient):
    message = queue_mail("test_greeting", "kari@example.no", name="Kari")
    db.session.flush()
    message.recipient = recipient
    with pytest.raises(UnbuildableMail, match="one valid e-mail address"):
        build_email(message, SENDER)
