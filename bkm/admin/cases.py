"""Staff case pages under /admin/saker: the list, one case (with its messages), reply, close.

Opening a case shows a customer's personal data, so it writes an audit row.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms import SearchField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired

from bkm.admin import bp
from bkm.admin.views import page_number
from bkm.audit.recording import record_view
from bkm.cases.handling import CaseError, add_message, case_search, cases_of_order, close_case
from bkm.cases.handling import find_case as _find_case
from bkm.cases.models import MAX_BODY
from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.forms import BaseForm, MaxLength, QueryForm, SingleLine, strip_text
from bkm.orders.delivery import can_mark_delivered, delivered_on

CASES_PER_PAGE = 25


class CaseSearchForm(QueryForm):
    q = SearchField(
        "Søk etter saksnummer, navn eller e-post",
        validators=[MaxLength(100, "Søket kan ha maks 100 tegn."), SingleLine()],
        filters=[strip_text],
    )
    vis = SelectField(
        "Vis",
        choices=[SelectChoice("apne", "Åpne saker"), SelectChoice("alle", "Alle saker")],
        default="apne",
        invalid_choice_message="Velg åpne eller alle saker.",
    )


class StaffReplyForm(BaseForm):
    body = TextAreaField(
        "Svar til kunden",
        validators=[
            MaxLength(MAX_BODY, f"Svaret kan ha maks {MAX_BODY} tegn."),
            DataRequired("Skriv et svar."),
        ],
        filters=[strip_text],
    )


class CaseActionForm(BaseForm):
    """Close: a button with a CSRF token and nothing else."""


@bp.context_processor
def _case_helpers():
    """The admin order page asks for the order's cases and its delivery."""
    return {
        "order_cases": cases_of_order,
        "can_mark_delivered": can_mark_delivered,
        "order_delivered_on": delivered_on,
        "today": oslo_today,
    }


def _case_or_404(number: str):
    case = _find_case(number)
    if case is None:
        raise NotFound()
    return case


def _back(case):
    return redirect(url_for("admin.case", number=case.number), code=303)


@bp.get("/saker")
def cases():
    form = CaseSearchForm(request.args)
    form.validate()
    query = form.q.data if form.q.data and not form.q.errors else ""
    show_all = form.vis.data == "alle" and not form.vis.errors
    pagination = db.paginate(
        case_search(query, only_open=not show_all),
        page=page_number(),
        per_page=CASES_PER_PAGE,
        error_out=False,
    )
    if pagination.page > 1 and not pagination.items:
        raise NotFound()
    return render_template(
        "admin/cases.html", form=form, pagination=pagination, query=query, show_all=show_all
    )


@bp.get("/saker/<number>")
def case(number: str):
    found = _case_or_404(number)
    record_view(current_user, found.customer_id, "viewed_customer", f"case:{found.number}")
    db.session.commit()
    return render_template(
        "admin/case.html",
        case=_case_or_404(number),  # the commit expired it
        reply_form=StaffReplyForm(),
        action_form=CaseActionForm(),
    )


@bp.post("/saker/<number>/svar")
def reply(number: str):
    found = _case_or_404(number)
    form = StaffReplyForm()
    if not form.validate_on_submit():
        messages = form.body.errors or ["Skjemaet kunne ikke leses. Last siden på nytt."]
        flash(" ".join(messages), "error")
        return _back(found)
    try:
        add_message(found, current_user._get_current_object(), form.body.data, from_staff=True)
    except CaseError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash("Svaret er sendt til kunden på e-post.", "success")
    return _back(found)


@bp.post("/saker/<number>/avslutt")
def close(number: str):
    found = _case_or_404(number)
    if not CaseActionForm().validate_on_submit():
        flash("Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen.", "error")
        return _back(found)
    try:
        close_case(found, by=current_user)
    except CaseError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(f"Sak {found.number} er avsluttet.", "success")
    return _back(found)
