"""The customer's own quotes under /konto/tilbud: see one, accept it (an order) or decline.

Logged-in owners only: someone else's quote answers 404, exactly like one that does not
exist. Each POST: parse → one rule of bkm.orders.quotes → commit once → flash → 303.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import RadioField, SelectChoice

from bkm.accounts import bp
from bkm.accounts.mailing import mail_link
from bkm.extensions import db
from bkm.forms import BaseForm
from bkm.orders.confirmation import queue_order_confirmation
from bkm.orders.placing import INVOICE_DAYS, OrderError, shipping_price_ore
from bkm.orders.quotes import (
    QuoteError,
    accept_quote,
    decline_quote,
    find_quote,
    quotes_of,
    status_label,
    status_of,
)
from bkm.personal import note_purchase, personalisation_applies

UNREADABLE = "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen."


class AcceptQuoteForm(BaseForm):
    delivery_method = RadioField(
        "Levering",
        choices=[
            SelectChoice("pickup", "Henter selv i Elverum (gratis)"),
            SelectChoice("delivery", "Levering"),
        ],
        default="pickup",
        invalid_choice_message="Velg om du henter selv eller vil ha varene levert.",
    )


class DeclineQuoteForm(BaseForm):
    """A button with a CSRF token."""


def _no_store(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _errors(form) -> str:
    return " ".join(m for field in form for m in field.errors if field.name != "csrf_token")


@bp.get("/tilbud")
@login_required
def quotes():
    return _no_store(
        make_response(
            render_template(
                "accounts/quotes.html", quotes=quotes_of(current_user.id), label=status_label
            )
        )
    )


def _own_quote_or_404(number: str):
    found = find_quote(number, customer_id=current_user.id)
    if found is None:
        abort(404)  # someone else's quote looks exactly like one that does not exist
    return found


def _quote_page(quote, accept_form=None, status: int = 200):
    return _no_store(
        make_response(
            render_template(
                "accounts/quote.html",
                quote=quote,
                status=status_of(quote),
                status_label=status_label(quote),
                accept_form=accept_form or AcceptQuoteForm(formdata=None),
                decline_form=DeclineQuoteForm(formdata=None),
                shipping_ore=shipping_price_ore("delivery"),
                invoice_days=INVOICE_DAYS,
            ),
            status,
        )
    )


@bp.get("/tilbud/<number>")
@login_required
def quote(number: str):
    return _quote_page(_own_quote_or_404(number))


@bp.post("/tilbud/<number>/godta")
@login_required
def accept_quote_post(number: str):
    found = _own_quote_or_404(number)
    form = AcceptQuoteForm()
    back = redirect(url_for("accounts.quote", number=number), code=303)
    if not form.validate_on_submit():
        flash(_errors(form) or UNREADABLE, "error")
        return back
    personalise = personalisation_applies()  # asked before the stock rows are locked
    try:
        order = accept_quote(found, current_user, delivery_method=form.delivery_method.data)
    except (QuoteError, OrderError) as error:
        db.session.rollback()
        flash(getattr(error, "message", str(error)), "error")
        return back
    queue_order_confirmation(order, order_url=mail_link("accounts.order", number=order.number))
    if personalise:
        note_purchase(current_user.id, [line.product for line in order.lines if line.product])
    order_number = order.number
    db.session.commit()
    flash(f"Tilbud {number} er godtatt. Takk for bestillingen!", "success")
    return redirect(url_for("cart.receipt", number=order_number), code=303)


@bp.post("/tilbud/<number>/avsla")
@login_required
def decline_quote_post(number: str):
    found = _own_quote_or_404(number)
    back = redirect(url_for("accounts.quote", number=number), code=303)
    if not DeclineQuoteForm().validate_on_submit():
        flash(UNREADABLE, "error")
        return back
    try:
        decline_quote(found, current_user)
    except QuoteError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    db.session.commit()
    flash(f"Tilbud {number} er avslått.", "success")
    return back
