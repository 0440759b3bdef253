"""Staff quote pages: the list, one quote, pricing and issuing it, withdrawing it.

Each step is a POST form with a CSRF token: parse → one rule of bkm.orders.quotes → commit
once → flash → 303 back. A refused step changes nothing and says why, in Norwegian.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms import DateField, SelectChoice, SelectField

from bkm.accounts.mailing import mail_link
from bkm.admin import bp
from bkm.admin.views import page_number
from bkm.audit.recording import record_view
from bkm.extensions import db
from bkm.forms import BaseForm, QueryForm
from bkm.money import format_kr, parse_kr
from bkm.orders.quotes import (
    STATUS_LABELS,
    QuoteError,
    default_valid_until,
    find_quote,
    issue_quote,
    quote_search,
    status_label,
    status_of,
    withdraw_quote,
)

QUOTES_PER_PAGE = 25
MAX_PRICE_LENGTH = 15
UNREADABLE = "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen."


class QuoteFilterForm(QueryForm):
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Alle statuser")]
        + [SelectChoice(code, text) for code, text in STATUS_LABELS.items()],
        default="",
        invalid_choice_message="Velg en status fra listen.",
    )


class IssueQuoteForm(BaseForm):
    valid_until = DateField(
        "Gjelder til og med",
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )


class QuoteActionForm(BaseForm):
    """Withdraw: a button with a CSRF token."""


def parse_prices(data, lines) -> dict[int, int]:
    """{line id: øre} from the fields `pris-<line id>` (kroner, "1 250" or "1250,50").

    Raises QuoteError naming the line for a missing, unreadable or overlong amount; whether
    the amount is allowed (> 0, ≤ list price) is the rule's to say.
    """
    prices: dict[int, int] = {}
    for line in lines:
        raw = (data.get(f"pris-{line.id}") or "").strip()
        if not raw:
            raise QuoteError(f"Skriv inn en pris for «{line.title}».")
        if len(raw) > MAX_PRICE_LENGTH or raw.startswith("-"):
            raise QuoteError(
                f"Prisen for «{line.title}» må være et beløp i kroner mellom 0 og listeprisen."
            )
        try:
            prices[line.id] = parse_kr(raw)
        except ValueError:
            raise QuoteError(
                f"Prisen for «{line.title}» må være et beløp i kroner, for eksempel 1 250 "
                "eller 1250,50."
            ) from None
    return prices


def _quote_or_404(number: str):
    quote = find_quote(number)
    if quote is None:
        raise NotFound()
    return quote


def _back(quote):
    return redirect(url_for("admin.quote", number=quote.number), code=303)


@bp.get("/tilbud")
def quotes():
    form = QuoteFilterForm(request.args)
    form.validate()
    status = form.status.data if form.status.data and not form.status.errors else ""
    pagination = db.paginate(
        quote_search(status), page=page_number(), per_page=QUOTES_PER_PAGE, error_out=False
    )
    if pagination.page > 1 and not pagination.items:
        raise NotFound()
    return render_template(
        "admin/quotes.html", form=form, pagination=pagination, status=status, label=status_label
    )


@bp.get("/tilbud/<number>")
def quote(number: str):
    quote = _quote_or_404(number)
    record_view(current_user, quote.customer_id, "viewed_customer", f"quote:{quote.number}")
    db.session.commit()
    quote = _quote_or_404(number)  # the commit expired it
    form = IssueQuoteForm(formdata=None, valid_until=quote.valid_until or default_valid_until())
    return render_template(
        "admin/quote.html",
        quote=quote,
        status=status_of(quote),
        status_label=status_label(quote),
        issue_form=form,
        action_form=QuoteActionForm(formdata=None),
        kr_input=lambda ore: format_kr(ore).removeprefix("kr\u00a0").replace("\u00a0", " "),
    )


@bp.post("/tilbud/<number>/utsted")
def issue(number: str):
    quote = _quote_or_404(number)
    form = IssueQuoteForm()
    if not form.validate_on_submit():
        if form.valid_until.errors:
            flash("Skriv inn en gyldig dato for hvor lenge tilbudet gjelder.", "error")
        else:
            flash(UNREADABLE, "error")
        return _back(quote)
    try:
        prices = parse_prices(request.form, quote.lines)
        issue_quote(
            quote,
            prices,
            form.valid_until.data,
            issued_by=current_user._get_current_object(),
            quote_url=mail_link("accounts.quote", number=quote.number),
        )
    except QuoteError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(quote)
    db.session.commit()
    flash(f"Tilbud {number} er utstedt og sendt til kunden.", "success")
    return redirect(url_for("admin.quote", number=number), code=303)


@bp.post("/tilbud/<number>/trekk-tilbake")
def withdraw(number: str):
    quote = _quote_or_404(number)
    if not QuoteActionForm().validate_on_submit():
        flash(UNREADABLE, "error")
        return _back(quote)
    try:
        withdraw_quote(quote)
    except QuoteError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(quote)
    db.session.commit()
    flash(f"Tilbud {number} er trukket tilbake.", "success")
    return redirect(url_for("admin.quote", number=number), code=303)
