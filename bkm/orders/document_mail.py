"""Mailing an issued document to the buyer with its PDF attached, in the issuing transaction."""

from __future__ import annotations

from flask import current_app, has_request_context

from bkm.accounts.mailing import mail_link
from bkm.mail.models import MailMessage
from bkm.mail.outbox import Attachment, queue_mail
from bkm.orders.document_models import IssuedDocument
from bkm.orders.sales_document import SalesDocument

FILE_PREFIXES = {
    "order_confirmation": "ordrebekreftelse",
    "packing_slip": "pakkseddel",
    "invoice": "faktura",
    "credit_note": "kreditnota",
}
PDF = "application/pdf"


def pdf_filename(document: IssuedDocument) -> str:
    """'faktura-10001.pdf', 'kreditnota-50001.pdf', …"""
    return f"{FILE_PREFIXES[document.kind]}-{document.display_number}.pdf"


def pdf_attachment(document: IssuedDocument) -> Attachment:
    return Attachment(filename=pdf_filename(document), content_type=PDF, content=document.pdf)


def reference(document: IssuedDocument) -> str:
    return f"document:{document.id}"


def queue_document_mail(issued: IssuedDocument, document: SalesDocument) -> MailMessage | None:
    """templates/emails/<kind>.txt/.html to the order's e-mail, the PDF attached. No commit.

    None when the order has no address left: its customer was erased (R3.10), and a credit
    note issued afterwards is kept for the books without a mail."""
    order = issued.order
    if not order.email:
        return None
    return queue_mail(
        issued.kind,
        to=order.email,
        kind=issued.kind,
        reference=reference(issued),
        attachments=(pdf_attachment(issued),),
        document=document,
        issued=issued,
        order=order,
        document_url=_document_url(issued),
    )


def _document_url(issued: IssuedDocument) -> str | None:
    """A link to the document page, for buyers who can log in and when a link can be built
    (SHOP_URL set, or inside a request)."""
    customer = issued.order.customer
    if customer is None or customer.password_hash is None:
        return None
    if not (current_app.config.get("SHOP_URL") or has_request_context()):
        return None
    return mail_link("accounts.document", document_id=issued.id)
