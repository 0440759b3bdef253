"""The order confirmation: queued in the order's own transaction (R3.2).

For consumers it carries the angrerett information and the standard withdrawal form, the
confirmation on a durable medium that angrerettloven asks for. The confirmation is also issued
as a numbered document (bkm.orders.documents), whose PDF the mail carries.
"""

from __future__ import annotations

from bkm.mail.models import MailMessage
from bkm.mail.outbox import queue_mail
from bkm.orders.document_mail import pdf_attachment
from bkm.orders.documents import issue_order_confirmation
from bkm.orders.models import Order
from bkm.orders.placing import INVOICE_DAYS
from bkm.orders.shipments import WITHDRAWAL_DAYS


def reference(order: Order) -> str:
    return f"order:{order.id}"


def queue_order_confirmation(order: Order, *, order_url: str) -> MailMessage:
    """Issue the confirmation document, and queue its mail with the PDF to the buyer's e-mail.
    Does not commit."""
    document = issue_order_confirmation(order)
    return queue_mail(
        "order_confirmation",
        to=order.email,
        kind="order_confirmation",
        reference=reference(order),
        attachments=(pdf_attachment(document),),
        order=order,
        order_url=order_url,
        invoice_days=INVOICE_DAYS,
        withdrawal_days=WITHDRAWAL_DAYS,
    )
