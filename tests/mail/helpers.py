"""Queueing test mails the way the shop does: queue_mail in a unit of work, then commit."""

from __future__ import annotations

from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.outbox import Attachment, queue_mail

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def queue_greetings(count: int = 1, **context) -> list[int]:
    """Commit `count` greetings to kari+<n>@example.no; returns their row ids."""
    messages = [
        queue_mail("test_greeting", f"kari+{n}@example.no", name=f"Kåre {n}", **context)
        for n in range(count)
    ]
    db.session.commit()
    return [message.id for message in messages]


def queue_invoice_mail() -> MailMessage:
    message = queue_mail(
        "test_greeting",
        "kari@example.no",
        name="Kåre Ærlig",
        attachments=(Attachment("faktura-1042.pdf", "application/pdf", PDF),),
        headers={"List-Unsubscribe": "<https://bruktekontormobler.no/nyhetsbrev/avmeld/x>"},
    )
    db.session.commit()
    return message


def row(message_id: int) -> MailMessage:
    """The row as the database holds it now, not as this session remembers it."""
    db.session.expire_all()
    return db.session.get(MailMessage, message_id)
