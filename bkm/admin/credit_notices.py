"""Staff register a credit notice (kredittmelding) from an order page or a customer page.

parse → register_credit_notice → commit once → flash → 303 back. A refused notice stores
nothing, sends nothing and says why, in Norwegian.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms import StringField

from bkm.accounts.mailing import mail_link
from bkm.accounts.models import User
from bkm.admin import bp
from bkm.admin.orders import _order_or_404
from bkm.extensions import db
from bkm.forms import BaseForm, strip_text
from bkm.money import format_kr, parse_kr
from bkm.orders.credit_notices import CreditNoticeError, register_credit_notice

MAX_AMOUNT_LENGTH = 15
UNREADABLE = "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen."


class CreditNoticeForm(BaseForm):
    # Checked by the rule, so the message is the same from every page.
    amount = StringField("Beløp (kr)", filters=[strip_text])
    reason = StringField("Begrunnelse", filters=[strip_text])


def parse_amount(raw: str | None) -> int:
    text = (raw or "").strip()
    if not text:
        raise CreditNoticeError("Skriv inn beløpet som skal krediteres.")
    if len(text) > MAX_AMOUNT_LENGTH or text.startswith(("-", "−")):
        raise CreditNoticeError("Beløpet må være et positivt beløp i kroner.")
    try:
        return parse_kr(text)
    except ValueError:
        raise CreditNoticeError(
            "Beløpet må være et beløp i kroner, for eksempel 500 eller 499,50."
        ) from None


def _register(customer: User, back, order=None):
    form = CreditNoticeForm()
    if not form.validate_on_submit():
        flash(UNREADABLE, "error")
        return back
    try:
        notice = register_credit_notice(
            customer,
            parse_amount(form.amount.data),
            form.reason.data or "",
            created_by=current_user._get_current_object(),
            order=order,
            account_url=mail_link("accounts.orders") if customer.password_hash else None,
        )
    except CreditNoticeError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    amount = format_kr(notice.amount_ore)
    db.session.commit()
    flash(f"Kredittmelding på {amount} er registrert og sendt til kunden.", "success")
    return back


@bp.post("/ordrer/<number>/kredittmelding")
def order_credit_notice(number: str):
    order = _order_or_404(number)
    back = redirect(url_for("admin.order", number=order.number), code=303)
    if order.customer is None:  # erased (R3.10): there is no account to credit
        flash("Kunden er slettet, så ordren kan ikke få en kredittmelding.", "error")
        return back
    return _register(order.customer, back, order=order)


@bp.post("/kunder/<int:user_id>/kredittmelding")
def customer_credit_notice(user_id: int):
    customer = db.session.get(User, user_id)
    if customer is None or customer.role != "customer":
        raise NotFound()
    back = redirect(url_for("admin.customer", user_id=customer.id), code=303)
    return _register(customer, back)
