"""The order confirmation: queued in the order's own transaction (R3.2).

For consumers it carries the angrerett information and the standard withdrawal form, the
confirmation on a durable medium that angrerettloven asks for. The numbered confirmation
document (bkm.orders.documents) is issued after the order commits, outside its locks.
"""

from __future__ import annotations

from bkm.mail.models import MailMessage
from bkm.mail.outbox import queue_mail
from bkm.orders.models import Order
from bkm.orders.placing import INVOICE_DAYS
from bkm.orders.shipments import WITHDRAWAL_DAYS


def reference(order: Order) -> str:
    return f"order:{order.id}"


def queue_order_confirmation(order: Order, *, order_url: str) -> MailMessage:
    """Queue the confirmation mail to the buyer's e-mail. Does not commit."""
    return queue_mail(
        "order_confirmation",
        to=order.email,
        kind="order_confirmation",
        reference=reference(order),
        order=order,
        order_url=order_url,
        invoice_days=INVOICE_DAYS,
        withdrawal_days=WITHDRAWAL_DAYS,
    )
