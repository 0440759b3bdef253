"""Credit notices (kredittmelding): staff credit an amount to a customer's account.

A notice, not an accounting document: goodwill or a price adjustment the customer is told
about by mail. Crediting an invoice is a credit note (kreditnota, bkm.orders.documents).
The rule never commits; the view commits the row and its mail together.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bkm.accounts.models import User
from bkm.extensions import db
from bkm.forms import has_control_characters
from bkm.mail.outbox import queue_mail
from bkm.orders.models import Order
from bkm.orders.quote_models import CreditNotice

MAX_AMOUNT_ORE = 100_000_000  # kr 1 000 000: anything larger is a typing mistake
MAX_REASON_LENGTH = 500


class CreditNoticeError(Exception):
    """A credit notice that cannot be registered; the message is for staff, in Norwegian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def credited_on(order: Order) -> int:
    """What earlier credit notices on this order add up to, in øre."""
    return db.session.scalar(
        select(func.coalesce(func.sum(CreditNotice.amount_ore), 0)).where(
            CreditNotice.order_id == order.id
        )
    )


def check_amount(amount_ore: int, order: Order | None = None) -> None:
    if amount_ore <= 0:
        raise CreditNoticeError("Beløpet må være mer enn 0 kr.")
    if amount_ore > MAX_AMOUNT_ORE:
        raise CreditNoticeError("Beløpet er for stort. Kontroller at det er riktig.")
    if order is not None and amount_ore + credited_on(order) > order.total_ore:
        raise CreditNoticeError(
            "Beløpet er større enn det som er igjen av ordrens totalsum etter tidligere "
            "kredittmeldinger."
        )


def check_reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise CreditNoticeError("Skriv hvorfor kunden får beløpet kreditert.")
    if len(text) > MAX_REASON_LENGTH:
        raise CreditNoticeError(f"Begrunnelsen kan ha maks {MAX_REASON_LENGTH} tegn.")
    if has_control_characters(text):
        raise CreditNoticeError("Begrunnelsen må stå på én linje.")
    return text


def register_credit_notice(
    customer: User,
    amount_ore: int,
    reason: str,
    *,
    created_by: User,
    order: Order | None = None,
    account_url: str | None = None,
) -> CreditNotice:
    """Record the notice and queue its mail to the customer. Does not commit."""
    if customer.role != "customer":
        raise CreditNoticeError("Bare kunder kan få en kredittmelding.")
    if order is not None and order.customer_id != customer.id:
        raise CreditNoticeError("Ordren tilhører en annen kunde.")
    text = check_reason(reason)
    check_amount(amount_ore, order)
    notice = CreditNotice(
        customer_id=customer.id,
        order_id=order.id if order else None,
        amount_ore=amount_ore,
        reason=text,
        created_by_id=created_by.id,
    )
    db.session.add(notice)
    db.session.flush()
    queue_mail(
        "credit_notice",
        to=order.email if order else customer.email,
        kind="credit_notice",
        reference=f"credit_notice:{notice.id}",
        notice=notice,
        customer=customer,
        order=order,
        account_url=account_url,
    )
    return notice


def notices_of(customer_id: int) -> list[CreditNotice]:
    return list(
        db.session.scalars(
            select(CreditNotice)
            .where(CreditNotice.customer_id == customer_id)
            .order_by(CreditNotice.created_at.desc(), CreditNotice.id.desc())
        )
    )
