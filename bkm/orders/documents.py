"""Issuing numbered, immutable sales documents from an order's rows, with PDF and mail.

What each document says is built in bkm.orders.document_building; this module takes the
number, stores the document with its PDF, queues its mail, and voids or marks it paid.

Every rule here works in the caller's transaction and never commits. The number comes from
bkm.orders.numbering in the same transaction, so a rollback gives it back (no gaps), and the
mail with the PDF attached is queued in the outbox in that transaction too: the document and
its mail commit together or not at all. A rule that refuses raises DocumentError with a
Norwegian message for staff; the caller rolls back.

Issued documents never change (see IssuedDocument's listeners): a wrong invoice is corrected
by a credit note that references it, and a spoiled one is voided ("makulert"), never deleted,
so its number stays used and the series stays complete.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from bkm.accounts.models import User
from bkm.clock import utcnow
from bkm.extensions import db
from bkm.orders.document_building import (
    credit_note_document,
    invoice_document,
    order_confirmation_document,
    packing_slip_document,
)
from bkm.orders.document_mail import queue_document_mail
from bkm.orders.document_models import IssuedDocument
from bkm.orders.models import Order, Shipment
from bkm.orders.numbering import allocate
from bkm.orders.pdf import render_pdf
from bkm.orders.sales_document import (
    PLACEHOLDER_BANK_ACCOUNT,
    DocumentKind,
    DocumentLine,
    SalesDocument,
)
from bkm.orders.statuses import CANCELLED


class DocumentError(Exception):
    """A document that cannot be issued or changed; the message is Norwegian, for staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# ---------- Issuing ----------


def issue_order_confirmation(order: Order, issued_by: User | None = None) -> IssuedDocument:
    """The order confirmation as a document numbered like its order (only invoices and credit
    notes need a gapless series of their own). Queues no mail: the confirmation mail
    (bkm.orders.confirmation) went out with the order. At most one per order."""
    if _active(IssuedDocument.order_id == order.id, kind="order_confirmation"):
        raise DocumentError("Denne ordren har allerede en ordrebekreftelse.")
    issued_at = utcnow()
    document = order_confirmation_document(order, issued_at=issued_at)
    return _store(document, order, number=order.id, issued_at=issued_at, issued_by=issued_by)


def issue_packing_slip(shipment: Shipment, issued_by: User | None = None) -> IssuedDocument:
    """The packing slip / delivery information of one shipment, mailed to the buyer."""
    if _active(IssuedDocument.shipment_id == shipment.id, kind="packing_slip"):
        raise DocumentError("Denne forsendelsen har allerede en pakkseddel.")
    number = allocate("packing_slip")
    issued_at = utcnow()
    document = packing_slip_document(shipment, number=number, issued_at=issued_at)
    issued = _store(
        document,
        shipment.order,
        number=number,
        issued_at=issued_at,
        issued_by=issued_by,
        shipment=shipment,
    )
    queue_document_mail(issued, document)
    return issued


def issue_invoice(order: Order, issued_by: User | None = None) -> IssuedDocument:
    """The invoice for the whole order, once something has been delivered; mailed with its PDF.

    One invoice per order: refused while a non-voided invoice exists. The check runs again
    after the number is taken, when the series lock makes concurrent issuers wait in turn.
    """
    _check_invoiceable(order)
    number = allocate("invoice")
    _check_invoiceable(order)  # now serialised with every other invoice issuer
    issued_at = utcnow()
    document = invoice_document(
        order,
        number=number,
        issued_at=issued_at,
        due_days=int(current_app.config["INVOICE_DUE_DAYS"]),
        bank_account=current_app.config.get("BANK_ACCOUNT") or PLACEHOLDER_BANK_ACCOUNT,
    )
    issued = _store(
        document,
        order,
        number=number,
        issued_at=issued_at,
        issued_by=issued_by,
        kid=document.kid,
        due_on=document.due_on,
    )
    queue_document_mail(issued, document)
    return issued


def issue_credit_note(
    invoice: IssuedDocument,
    lines: dict[int, int] | None = None,
    *,
    reason: str,
    issued_by: User | None = None,
) -> IssuedDocument:
    """A credit note referencing `invoice`: all that is not yet credited (lines=None) or
    {order_line_id: quantity}. Own gapless series; mailed with its PDF."""
    if not (reason or "").strip():
        raise DocumentError("Skriv hvorfor det krediteres.")
    _credit_lines(invoice, lines)
    number = allocate("credit_note")
    credited = _credit_lines(invoice, lines)  # again, now serialised with other credit notes
    issued_at = utcnow()
    document = credit_note_document(
        sales_document(invoice),
        credited,
        number=number,
        issued_at=issued_at,
        credits_number=invoice.display_number,
        reason=reason.strip(),
    )
    issued = _store(
        document,
        invoice.order,
        number=number,
        issued_at=issued_at,
        issued_by=issued_by,
        credits=invoice,
    )
    queue_document_mail(issued, document)
    return issued


# ---------- After issuing: void, paid ----------


def void_document(document: IssuedDocument, reason: str, by: User | None) -> IssuedDocument:
    """Mark a spoiled document "makulert": it stays, with its number and PDF, marked void."""
    if document.is_voided:
        raise DocumentError(f"{_name(document)} er allerede makulert.")
    if not (reason or "").strip():
        raise DocumentError("Skriv hvorfor dokumentet makuleres.")
    if document.kind == "invoice":
        if document.paid_at is not None:
            raise DocumentError("Fakturaen er betalt; lag en kreditnota i stedet.")
        if credit_notes_of(document):
            raise DocumentError("Fakturaen har kreditnotaer; makuler dem først.")
    document.status = "voided"
    document.voided_at = utcnow()
    document.voided_by_id = by.id if by else None
    document.void_reason = reason.strip()
    db.session.flush()
    return document


def mark_invoice_paid(
    document: IssuedDocument, by: User | None, at: datetime | None = None
) -> IssuedDocument:
    if document.kind != "invoice":
        raise DocumentError("Bare fakturaer kan merkes som betalt.")
    if document.is_voided:
        raise DocumentError("Fakturaen er makulert.")
    if document.paid_at is not None:
        raise DocumentError("Fakturaen er allerede merket som betalt.")
    document.paid_at = at or utcnow()
    document.paid_by_id = by.id if by else None
    db.session.flush()
    return document


# ---------- Finding ----------


def documents_of(order: Order) -> list[IssuedDocument]:
    """Every document of the order, voided ones too, oldest first."""
    return list(
        db.session.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.order_id == order.id)
            .order_by(IssuedDocument.issued_at, IssuedDocument.id)
        )
    )


def find_document(document_id: int, *, customer_id: int | None = None) -> IssuedDocument | None:
    """The document, or None; with customer_id, None unless the order is that customer's."""
    query = select(IssuedDocument).where(IssuedDocument.id == document_id)
    if customer_id is not None:
        query = query.join(Order).where(Order.customer_id == customer_id)
    return db.session.scalar(query)


def invoice_of(order: Order) -> IssuedDocument | None:
    """The order's invoice that is not voided, if any."""
    return _active(IssuedDocument.order_id == order.id, kind="invoice")


def credit_notes_of(invoice: IssuedDocument) -> list[IssuedDocument]:
    """The invoice's credit notes that are not voided."""
    return list(
        db.session.scalars(
            select(IssuedDocument)
            .where(
                IssuedDocument.credits_document_id == invoice.id,
                IssuedDocument.status == "issued",
            )
            .order_by(IssuedDocument.id)
        )
    )


def sales_document(document: IssuedDocument) -> SalesDocument:
    return SalesDocument.from_snapshot(document.snapshot)


# ---------- Helpers ----------


def _active(*conditions, kind: str) -> IssuedDocument | None:
    return db.session.scalar(
        select(IssuedDocument)
        .where(*conditions, IssuedDocument.kind == kind, IssuedDocument.status == "issued")
        .order_by(IssuedDocument.id)
        .limit(1)
    )


def _check_invoiceable(order: Order) -> None:
    if existing := invoice_of(order):
        raise DocumentError(f"Ordren er allerede fakturert (faktura {existing.display_number}).")
    if order.status == CANCELLED:
        raise DocumentError("Ordren er kansellert og kan ikke faktureres.")
    if not order.shipments:
        raise DocumentError(
            "Ingenting er levert ennå. Fakturaen lages når varene er sendt eller hentet."
        )


def _credit_lines(invoice: IssuedDocument, wanted: dict[int, int] | None) -> list[DocumentLine]:
    """The lines to credit, checked against what the invoice has and what is credited already."""
    if invoice.kind != "invoice":
        raise DocumentError("Bare en faktura kan krediteres.")
    if invoice.is_voided:
        raise DocumentError("Fakturaen er makulert; den kan ikke krediteres.")
    invoiced = {line.sku: line for line in sales_document(invoice).lines}
    left = {sku: line.quantity for sku, line in invoiced.items()}
    for note in credit_notes_of(invoice):
        for line in sales_document(note).lines:
            left[line.sku] = left.get(line.sku, 0) - line.quantity
    if wanted is None:
        lines = [replace(invoiced[sku], quantity=n) for sku, n in left.items() if n > 0]
        if not lines:
            raise DocumentError("Fakturaen er allerede kreditert i sin helhet.")
        return lines
    order_lines = {line.id: line for line in invoice.order.lines}
    lines = []
    for line_id, quantity in wanted.items():
        if line_id not in order_lines or order_lines[line_id].sku not in invoiced:
            raise DocumentError("Linjen står ikke på fakturaen.")
        sku = order_lines[line_id].sku
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise DocumentError("Antall må være et helt tall fra 1 og oppover.")
        if quantity > left[sku]:
            raise DocumentError(
                f"Bare {left[sku]} stk. av «{invoiced[sku].description}» kan krediteres."
            )
        lines.append(replace(invoiced[sku], quantity=quantity))
    if not lines:
        raise DocumentError("Velg minst én linje som skal krediteres.")
    return lines


def _store(
    document: SalesDocument,
    order: Order,
    *,
    number: int,
    issued_at: datetime,
    issued_by: User | None,
    **fields,
) -> IssuedDocument:
    issued = IssuedDocument(
        kind=str(document.kind),
        series=str(document.kind),
        number=number,
        display_number=document.number,
        order=order,
        issued_at=issued_at,
        issued_by_id=issued_by.id if issued_by else None,
        snapshot=document.snapshot(),
        pdf=render_pdf(document),
        total_ore=document.total_ore,
        status="issued",
        **fields,
    )
    db.session.add(issued)
    db.session.flush()
    return issued


def _name(document: IssuedDocument) -> str:
    return f"{DocumentKind(document.kind).title} {document.display_number}"
