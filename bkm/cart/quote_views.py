"""«Be om tilbud» on the cart page: a logged-in customer sends the cart as a quote request.

The cart stays as it is. The customer's quote pages are in bkm/accounts/quote_views.py.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user
from wtforms import TextAreaField

from bkm.accounts.mailing import mail_link
from bkm.cart import bp
from bkm.cart.cart import cart_summary, current_cart
from bkm.cart.checkout_views import _problem_message
from bkm.extensions import db, rate_limit
from bkm.forms import BaseForm, MaxLength
from bkm.orders.quotes import (
    MAX_MESSAGE_LENGTH,
    QuoteError,
    queue_request_received,
    request_quote,
)

UNREADABLE = "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen."


class QuoteRequestForm(BaseForm):
    message = TextAreaField(
        "Melding til oss (valgfritt)",
        validators=[
            MaxLength(MAX_MESSAGE_LENGTH, f"Meldingen kan ha maks {MAX_MESSAGE_LENGTH} tegn.")
        ],
    )


def _errors(form) -> str:
    return " ".join(m for field in form for m in field.errors if field.name != "csrf_token")


@bp.post("/handlekurv/tilbud")
@rate_limit("CONTACT_RATE_LIMIT")
def request_quote_view():
    if not current_user.is_authenticated:
        flash(
            "Logg inn eller registrer deg for å be om tilbud. Handlekurven tar vi vare på.",
            "info",
        )
        return redirect(url_for("accounts.login", next=url_for("cart.view")), code=303)
    back = redirect(url_for("cart.view"), code=303)
    form = QuoteRequestForm()
    if not form.validate_on_submit():
        flash(_errors(form) or UNREADABLE, "error")
        return back
    summary = cart_summary(current_cart())
    if not summary.lines:
        flash("Handlekurven er tom. Legg noe i den før du ber om tilbud.", "error")
        return back
    if summary.has_problems:
        flash(_problem_message(summary), "error")
        return back
    try:
        quote = request_quote(
            current_user,
            [(line.product.id, line.quantity) for line in summary.lines],
            form.message.data,
        )
    except QuoteError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    number = quote.number
    queue_request_received(quote, quote_url=mail_link("accounts.quote", number=number))
    db.session.commit()
    flash(
        f"Takk! Vi har mottatt tilbudsforespørsel {number} og svarer så snart vi kan. "
        "Varene ligger fortsatt i handlekurven.",
        "success",
    )
    return redirect(url_for("accounts.quote", number=number), code=303)
