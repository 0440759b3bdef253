"""Staff order pages: the list, one order, and the steps an order goes through.

Every step is a POST form with a CSRF token: parse → one rule → commit once → flash → 303
back to the order. A refused step changes nothing and says why, in Norwegian.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from bkm.admin import bp
from bkm.admin.forms import (
    BadQuantity,
    CreditNoteForm,
    OrderActionForm,
    OrderSearchForm,
    ShipmentForm,
    parse_quantities,
)
from bkm.admin.views import page_number
from bkm.audit.recording import record_view
from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.orders.cancelling import cancel_order
from bkm.orders.confirming import confirm_order
from bkm.orders.delivery import mark_delivered
from bkm.orders.documents import DocumentError, documents_of, invoice_of
from bkm.orders.handover import mark_picked_up, remaining_quantities, ship_lines
from bkm.orders.history import find_order
from bkm.orders.models import Order
from bkm.orders.placing import INVOICE_DAYS
from bkm.orders.searching import order_search
from bkm.orders.shipments import ShipmentError
from bkm.orders.statuses import CANCELLED, CONFIRMED, PICKED_UP, SHIPPED
from bkm.orders.transitions import IllegalTransition, can_move

ORDERS_PER_PAGE = 25
PICKUP_METHOD = [("pickup", "Hentet av kunden")]
DOCUMENT_LABELS = {
    "order_confirmation": "Ordrebekreftelse",
    "packing_slip": "Pakkseddel",
    "invoice": "Faktura",
    "credit_note": "Kreditnota",
}


def _order_or_404(number: str):
    order = find_order(number)
    if order is None:
        raise NotFound()
    return order


def _back(order):
    return redirect(url_for("admin.order", number=order.number), code=303)


def _shipment_form(order, formdata=None) -> ShipmentForm:
    form = ShipmentForm(formdata=formdata) if formdata is not None else ShipmentForm()
    if order.delivery_method == "pickup":
        form.method.choices = PICKUP_METHOD
    return form


@bp.get("/ordrer")
def orders():
    form = OrderSearchForm(request.args)
    form.validate()  # each field on its own: a bad status does not throw away the search
    query = form.q.data if form.q.data and not form.q.errors else ""
    status = form.status.data if form.status.data and not form.status.errors else ""
    pagination = db.paginate(
        order_search(query, status), page=page_number(), per_page=ORDERS_PER_PAGE, error_out=False
    )
    if pagination.page > 1 and not pagination.items:
        raise NotFound()
    return render_template(
        "admin/orders.html", form=form, pagination=pagination, query=query, status=status
    )


@bp.get("/ordrer/<number>")
def order(number: str):
    order = _order_or_404(number)
    record_view(current_user, order.customer_id, "viewed_order", f"order:{order.number}")
    db.session.commit()
    order = _order_or_404(number)  # the commit expired it
    remaining = remaining_quantities(order)
    return render_template(
        "admin/order.html",
        order=order,
        remaining=remaining,
        action_form=OrderActionForm(),
        shipment_form=_shipment_form(order),
        can_confirm=can_move(order, CONFIRMED),
        can_ship=can_move(order, SHIPPED) and any(remaining.values()),
        can_pick_up=order.delivery_method == "pickup" and can_move(order, PICKED_UP),
        can_cancel=can_move(order, CANCELLED) and not order.shipments,
        invoice_days=INVOICE_DAYS,
        documents=documents_of(order),
        invoice=invoice_of(order),
        credit_form=CreditNoteForm(),
        document_labels=DOCUMENT_LABELS,
    )


def _run(order, step, success: str):
    """Run one rule; commit and flash success, or roll back and flash why not."""
    try:
        step()
    except (IllegalTransition, ShipmentError, BadQuantity, DocumentError) as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return _back(order)


def _checked_form(order) -> bool:
    """The CSRF token is checked by CSRFProtect before the view; this catches the rest."""
    if OrderActionForm().validate_on_submit():
        return True
    flash("Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen.", "error")
    return False


def _order_step(number: str, rule: Callable[[Order], object], success: str):
    """A plain step: the order or 404 → the form → rule(order) → flash → 303 back.

    `success` may name the order's number as {number}.
    """
    order = _order_or_404(number)
    if not _checked_form(order):
        return _back(order)
    return _run(order, lambda: rule(order), success.format(number=order.number))


@bp.post("/ordrer/<number>/bekreft")
def confirm(number: str):
    return _order_step(
        number,
        lambda order: confirm_order(order, by=current_user),
        "Ordre {number} er bekreftet.",
    )


@bp.post("/ordrer/<number>/send")
def ship(number: str):
    order = _order_or_404(number)
    form = _shipment_form(order, request.form)
    if not form.validate():
        messages = [m for field in (form.method, form.tracking) for m in field.errors]
        flash(" ".join(messages) or "Skjemaet kunne ikke leses. Last siden på nytt.", "error")
        return _back(order)
    left = remaining_quantities(order)
    titles = {line.id: (line.title, left[line.id]) for line in order.lines}

    def step():
        quantities = parse_quantities(request.form, titles)
        ship_lines(
            order,
            quantities,
            by=current_user,
            method=form.method.data,
            tracking=form.tracking.data or None,
        )

    return _run(order, step, f"Forsendelsen er registrert på ordre {order.number}.")


@bp.post("/ordrer/<number>/hentet")
def picked_up(number: str):
    return _order_step(
        number,
        lambda order: mark_picked_up(order, by=current_user),
        "Ordre {number} er registrert som hentet.",
    )


@bp.post("/ordrer/<number>/kanseller")
def cancel(number: str):
    return _order_step(
        number,
        lambda order: cancel_order(order, by=current_user),
        "Ordre {number} er kansellert, og varene er lagt tilbake på lager.",
    )


@bp.post("/ordrer/<number>/levert")
def delivered(number: str):
    """A delivery order reached the customer on the given day (default today)."""
    order = _order_or_404(number)
    if not _checked_form(order):
        return _back(order)
    raw = (request.form.get("levert") or "").strip()
    try:
        on = date.fromisoformat(raw) if raw else oslo_today()
    except ValueError:
        on = None
    if on is None or len(raw) > 10:
        flash("Skriv leveringsdatoen som dato, for eksempel 2026-11-24.", "error")
        return _back(order)
    return _run(
        order,
        lambda: mark_delivered(order, on, by=current_user),
        f"Ordre {order.number} er registrert som levert {on:%d.%m.%Y}.",
    )
