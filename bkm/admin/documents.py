"""Staff issue an order's documents: invoice, packing slip, paid, credit note; and read PDFs.

Each step: one rule of bkm.orders.documents → commit once → flash → 303 back to the order.
"""

from __future__ import annotations

from flask import flash, make_response
from flask_login import current_user
from werkzeug.exceptions import NotFound

from bkm.admin import bp
from bkm.admin.forms import CreditNoteForm
from bkm.admin.orders import _back, _checked_form, _order_or_404, _order_step, _run
from bkm.audit.recording import record_view
from bkm.extensions import db
from bkm.orders.documents import (
    find_document,
    invoice_of,
    issue_credit_note,
    issue_invoice,
    issue_packing_slip,
    mark_invoice_paid,
)


@bp.post("/ordrer/<number>/faktura")
def invoice(number: str):
    return _order_step(
        number,
        lambda order: issue_invoice(order, issued_by=current_user._get_current_object()),
        "Faktura for ordre {number} er laget og sendt til kunden.",
    )


@bp.post("/ordrer/<number>/pakkseddel/<int:shipment_id>")
def packing_slip(number: str, shipment_id: int):
    order = _order_or_404(number)
    shipment = next((s for s in order.shipments if s.id == shipment_id), None)
    if shipment is None:
        raise NotFound()
    if not _checked_form(order):
        return _back(order)
    return _run(
        order,
        lambda: issue_packing_slip(shipment, issued_by=current_user._get_current_object()),
        "Pakkseddelen er laget og sendt til kunden.",
    )


@bp.post("/ordrer/<number>/betalt")
def paid(number: str):
    order = _order_or_404(number)
    if not _checked_form(order):
        return _back(order)
    document = invoice_of(order)
    if document is None:
        flash("Ordren har ingen faktura ennå.", "error")
        return _back(order)
    return _run(
        order,
        lambda: mark_invoice_paid(document, current_user._get_current_object()),
        f"Faktura {document.display_number} er merket som betalt.",
    )


@bp.post("/ordrer/<number>/kreditnota")
def credit_note(number: str):
    order = _order_or_404(number)
    form = CreditNoteForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or "Skjemaet kunne ikke leses.", "error")
        return _back(order)
    document = invoice_of(order)
    if document is None:
        flash("Ordren har ingen faktura å kreditere.", "error")
        return _back(order)
    return _run(
        order,
        lambda: issue_credit_note(
            document, reason=form.reason.data or "", issued_by=current_user._get_current_object()
        ),
        f"Kreditnota for faktura {document.display_number} er laget og sendt til kunden.",
    )


@bp.get("/ordrer/<number>/dokument/<int:document_id>")
def document_pdf(number: str, document_id: int):
    order = _order_or_404(number)
    document = find_document(document_id)
    if document is None or document.order_id != order.id:
        raise NotFound()
    record_view(current_user, order.customer_id, "exported", f"document:{document.display_number}")
    db.session.commit()
    response = make_response(document.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="{document.kind}-{document.display_number}.pdf"'
    )
    return response
