"""An outbox row becomes the e-mail that is sent: the same bytes-to-be on every attempt.

Everything comes from the row (and the sender address), never from the clock: Date is when
the mail was queued and Message-ID is the row's, so a retry or a re-sent stale claim is the
same message and a receiver can recognise a duplicate.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from bkm.mail.models import MailMessage

# Headers the builder owns, and those that would add recipients (one row, one recipient):
# a row's extra headers may not set them.
RESERVED_HEADERS = frozenset(
    {
        *("from", "sender", "to", "cc", "bcc", "subject", "date", "message-id"),
        *("mime-version", "content-type", "content-transfer-encoding"),
    }
)


class UnbuildableMail(ValueError):
    """The row cannot become a valid e-mail; waiting will not change that."""


def build_email(row: MailMessage, sender: str) -> EmailMessage:
    """text/plain, with an HTML alternative when the row has one, and attachments.

    Text parts are UTF-8 in quoted-printable, so æøå arrive intact through relays that only
    pass 7-bit data; headers holding æøå are encoded by the email package (RFC 2047/2231).
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = _recipient(row.recipient)
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    for name, value in (row.headers or {}).items():
        if name.lower() in RESERVED_HEADERS:
            raise UnbuildableMail(f"extra header {name!r} is reserved")
        message[name] = value
    message.set_content(row.text_body, cte="quoted-printable")
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html", cte="quoted-printable")
    for attachment in row.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if not subtype:
            raise UnbuildableMail(f"attachment type {attachment.content_type!r} lacks a subtype")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def _recipient(address: str) -> Address:
    # Parsing refuses a second address or a header injection smuggled into the field.
    try:
        return Address(addr_spec=address.strip())
    except (ValueError, IndexError) as error:
        raise UnbuildableMail("the recipient is not one valid e-mail address") from error
