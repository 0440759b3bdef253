"""The customer's withdrawal (angre kjøp), complaints (reklamasjon) and cases under /konto.

Logged-in owners only: someone else's order or case answers 404, exactly like one that
does not exist. Each POST: parse → rules → commit once → flash → 303.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from bkm.accounts import bp
from bkm.cases.handling import (
    MIN_COMPLAINT,
    CaseError,
    add_message,
    cases_of,
    cases_of_order,
    find_case,
    has_open_case,
    open_case,
)
from bkm.cases.models import MAX_BODY
from bkm.extensions import db, rate_limit
from bkm.forms import BaseForm, MaxLength, strip_text
from bkm.orders.delivery import delivered_on
from bkm.orders.history import find_order
from bkm.orders.transitions import IllegalTransition
from bkm.orders.withdrawal import (
    CANCELLED_NOW,
    MAX_REASON,
    WithdrawalRefused,
    refusal,
    withdraw,
)

TOO_LONG = f"Teksten kan ha maks {MAX_BODY} tegn."


class WithdrawalForm(BaseForm):
    reason = TextAreaField(
        "Begrunnelse (valgfritt – du trenger ikke oppgi grunn)",
        validators=[MaxLength(MAX_REASON, f"Begrunnelsen kan ha maks {MAX_REASON} tegn.")],
        filters=[strip_text],
    )


class ComplaintForm(BaseForm):
    description = TextAreaField(
        "Hva er galt med varen?",
        validators=[
            MaxLength(MAX_BODY, TOO_LONG),
            DataRequired("Beskriv hva som er galt med varen."),
            Length(min=MIN_COMPLAINT, message=f"Beskriv feilen med minst {MIN_COMPLAINT} tegn."),
        ],
        filters=[strip_text],
    )


class ReplyForm(BaseForm):
    body = TextAreaField(
        "Svar",
        validators=[MaxLength(MAX_BODY, TOO_LONG), DataRequired("Skriv en melding.")],
        filters=[strip_text],
    )


@bp.context_processor
def _order_page_helpers():
    """What the order page (accounts/order.html) asks about withdrawal, delivery and cases."""
    return {
        "withdrawal_refusal": refusal,
        "delivered_on": delivered_on,
        "cases_of_order": cases_of_order,
    }


def _own_order(number: str):
    order = find_order(number, customer_id=current_user.id)
    if order is None:
        abort(404)  # someone else's order looks exactly like one that does not exist
    return order


def _chosen_line_ids(order) -> tuple[list[int], str | None]:
    """The order lines ticked in the form (`linje` checkboxes); an error message if none
    or any that is not a line of this order."""
    raw = request.form.getlist("linje")
    own = {str(line.id): line.id for line in order.lines}
    if not raw:
        return [], "Velg minst én vare."
    if any(value not in own for value in raw) or len(raw) > len(own):
        return [], "Velg varene fra listen."
    return sorted({own[value] for value in raw}), None


def _back_to_order(order):
    return redirect(url_for("accounts.order", number=order.number), code=303)


# ---------- Angre kjøp ----------


@bp.route("/ordre/<number>/angre", methods=["GET", "POST"])
@rate_limit("CONTACT_RATE_LIMIT")
@login_required
def withdraw_order(number: str):
    order = _own_order(number)
    if why := refusal(order):
        flash(why, "error")
        return _back_to_order(order)
    form = WithdrawalForm()
    line_error = None
    if request.method == "POST" and form.validate():
        line_ids, line_error = _chosen_line_ids(order)
        if not line_error:
            return _withdraw(order, line_ids, form.reason.data)
    return render_template(
        "accounts/withdraw.html",
        order=order,
        form=form,
        line_error=line_error,
        chosen=request.form.getlist("linje") if request.method == "POST" else None,
    )


def _withdraw(order, line_ids: list[int], reason: str | None):
    customer = current_user._get_current_object()
    lines = {line.id: line.quantity for line in order.lines if line.id in line_ids}
    try:
        if has_open_case(order.id, "withdrawal"):
            raise WithdrawalRefused(
                "Du har allerede meldt at du angrer kjøpet. Se saken under «Mine saker»."
            )
        result = withdraw(order, customer, lines, reason)
        case = None
        if result.kind != CANCELLED_NOW:
            case = open_case(
                customer,
                kind="withdrawal",
                subject=f"Angrerett – ordre {order.number}",
                body=result.summary(),
                order_id=order.id,
                notify=False,  # withdrawal_received is the receipt
            )
    except (WithdrawalRefused, IllegalTransition, CaseError) as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("accounts.order", number=order.number), code=303)
    db.session.commit()
    if case is None:
        flash(
            f"Ordre {order.number} er kansellert. Ingenting var sendt, så du skal ikke betale noe.",
            "success",
        )
        return redirect(url_for("accounts.order", number=order.number), code=303)
    flash(
        f"Vi har mottatt angremeldingen din (sak {case.number}) og sendt en bekreftelse på "
        "e-post med hvordan du returnerer varene.",
        "success",
    )
    return redirect(url_for("accounts.case", number=case.number), code=303)


# ---------- Reklamasjon ----------


@bp.route("/ordre/<number>/reklamasjon", methods=["GET", "POST"])
@rate_limit("CONTACT_RATE_LIMIT")
@login_required
def complain(number: str):
    order = _own_order(number)
    if delivered_on(order) is None:
        flash("Du kan reklamere når varene er levert eller hentet.", "error")
        return _back_to_order(order)
    form = ComplaintForm()
    line_error = None
    if request.method == "POST":
        line_ids, line_error = _chosen_line_ids(order)
        if form.validate() and not line_error:
            titles = ", ".join(line.title for line in order.lines if line.id in line_ids)
            try:
                case = open_case(
                    current_user._get_current_object(),
                    kind="complaint",
                    subject=f"Reklamasjon – ordre {order.number}",
                    body=f"Gjelder: {titles}\n\n{form.description.data}",
                    order_id=order.id,
                )
            except CaseError as refused:
                db.session.rollback()
                form.description.errors = [str(refused)]
            else:
                db.session.commit()
                flash(
                    f"Takk! Vi har opprettet sak {case.number} og sendt deg en bekreftelse.",
                    "success",
                )
                return redirect(url_for("accounts.case", number=case.number), code=303)
    return render_template(
        "accounts/complaint.html",
        order=order,
        form=form,
        line_error=line_error,
        chosen=request.form.getlist("linje") if request.method == "POST" else None,
    )


# ---------- Mine saker ----------


@bp.get("/saker")
@login_required
def cases():
    return render_template("accounts/cases.html", cases=cases_of(current_user.id))


def _own_case(number: str):
    case = find_case(number, customer_id=current_user.id)
    if case is None:
        abort(404)
    return case


@bp.route("/saker/<number>", methods=["GET", "POST"])
@rate_limit("CONTACT_RATE_LIMIT")
@login_required
def case(number: str):
    found = _own_case(number)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            add_message(found, current_user._get_current_object(), form.body.data, from_staff=False)
        except CaseError as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            flash("Svaret ditt er sendt.", "success")
        return redirect(url_for("accounts.case", number=number), code=303)
    return render_template("accounts/case.html", case=found, form=form)
