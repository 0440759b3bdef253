"""A consumer's right of withdrawal (angrerett): cancel before shipping, notice after.

Angrerettloven: 14 days from receipt of the goods, for consumers only. Before anything has
left the shop the order is simply cancelled and its stock put back. Once something has been
sent, the consumer's notice is acknowledged at once ("uten ugrunnet opphold") with the mail
withdrawal_received; the goods come back and staff refund with a credit note. No refund
happens automatically. Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app, has_request_context

from bkm.accounts.mailing import mail_link
from bkm.accounts.models import User
from bkm.clock import oslo_today
from bkm.mail.outbox import queue_mail
from bkm.orders.cancelling import cancel_order
from bkm.orders.models import Order, OrderLine
from bkm.orders.shipments import WITHDRAWAL_DAYS, shipped_quantities
from bkm.orders.statuses import CANCELLED

MAX_REASON = 1000
CANCELLED_NOW = "cancelled"
NOTICE = "notice"


class WithdrawalRefused(ValueError):
    """The order cannot be withdrawn from; the message is for the customer, in Norwegian."""


@dataclass
class Withdrawal:
    """What a withdrawal did: the order was cancelled, or a notice was received for lines."""

    kind: str  # CANCELLED_NOW | NOTICE
    order: Order
    lines: list[tuple[OrderLine, int]] = field(default_factory=list)
    reason: str = ""

    def summary(self) -> str:
        """The notice in words, for the withdrawal case's first message."""
        items = "\n".join(
            f"- {quantity} × {line.title} ({line.sku})" for line, quantity in self.lines
        )
        text = f"Jeg vil gå fra kjøpet (angrerett) for ordre {self.order.number}:\n{items}"
        return text + (f"\n\nBegrunnelse: {self.reason}" if self.reason else "")


def refusal(order: Order, on: date | None = None) -> str | None:
    """Why this order cannot be withdrawn from now, or None when it can."""
    if not order.is_consumer:
        return (
            "Angreretten gjelder bare privatkunder (angrerettloven). Bedriftskjøp kan ikke "
            "angres, men ta kontakt med oss om du vil returnere noe."
        )
    if order.status == CANCELLED:
        return "Ordren er allerede kansellert."
    deadline = order.withdrawal_deadline_on
    if deadline is not None and (on or oslo_today()) > deadline:
        return (
            f"Angrefristen gikk ut {deadline:%d.%m.%Y}. Er noe galt med varen, kan du "
            "reklamere på den i stedet."
        )
    return None


def can_withdraw(order: Order, on: date | None = None) -> bool:
    return refusal(order, on) is None


def withdraw(
    order: Order,
    customer: User,
    lines: dict[int, int] | None = None,
    reason: str | None = None,
    *,
    on: date | None = None,
) -> Withdrawal:
    """The consumer withdraws from `lines` ({order_line_id: units}; None: everything).

    Nothing sent yet: the whole order is cancelled (stock back). Otherwise a notice: the
    mail withdrawal_received is queued; the caller opens the withdrawal case. Raises
    WithdrawalRefused. Never commits.
    """
    if order.customer_id != customer.id:
        raise WithdrawalRefused("Ordren finnes ikke.")
    if why := refusal(order, on):
        raise WithdrawalRefused(why)
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON:
        raise WithdrawalRefused(f"Begrunnelsen kan ha maks {MAX_REASON} tegn.")
    chosen = _chosen_lines(order, lines)
    if not any(shipped_quantities(order).values()):
        if lines is not None and len(chosen) < len(order.lines):
            raise WithdrawalRefused(
                "Før noe er sendt, kan bare hele ordren angres. Velg alle varene, "
                "eller kontakt oss."
            )
        cancel_order(order, by=customer)
        return Withdrawal(CANCELLED_NOW, order, chosen, reason)
    withdrawal = Withdrawal(NOTICE, order, chosen, reason)
    queue_mail(
        "withdrawal_received",
        to=order.email,
        kind="withdrawal_received",
        reference=f"order:{order.id}",
        order=order,
        withdrawal=withdrawal,
        withdrawal_days=WITHDRAWAL_DAYS,
        order_url=_order_url(order, customer),
    )
    return withdrawal


def _chosen_lines(order: Order, lines: dict[int, int] | None) -> list[tuple[OrderLine, int]]:
    by_id = {line.id: line for line in order.lines}
    if lines is None:
        return [(line, line.quantity) for line in order.lines]
    chosen = []
    for line_id, quantity in lines.items():
        line = by_id.get(line_id)
        if line is None:
            raise WithdrawalRefused("Varen hører ikke til denne ordren.")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise WithdrawalRefused("Antall må være et helt tall.")
        if not 1 <= quantity <= line.quantity:
            raise WithdrawalRefused(f"Antall for «{line.title}» må være fra 1 til {line.quantity}.")
        chosen.append((line, quantity))
    if not chosen:
        raise WithdrawalRefused("Velg minst én vare du vil angre kjøpet av.")
    return chosen


def _order_url(order: Order, customer: User) -> str | None:
    if customer.password_hash is None:
        return None
    if not (current_app.config.get("SHOP_URL") or has_request_context()):
        return None
    return mail_link("accounts.order", number=order.number)
