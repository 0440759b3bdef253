"""Issued documents: legal fields, margin scheme, one invoice per order, credit notes, voiding."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from bkm.mail.models import MailMessage
from bkm.orders.confirmation import queue_order_confirmation
from bkm.orders.document_building import PICKED_UP_PLACE
from bkm.orders.document_models import IssuedDocument
from bkm.orders.documents import (
    DocumentError,
    documents_of,
    issue_credit_note,
    issue_invoice,
    issue_order_confirmation,
    issue_packing_slip,
    mark_invoice_paid,
    sales_document,
    void_document,
)
from bkm.orders.kid import is_valid_kid, make_kid
from bkm.orders.sales_document import MARGIN_SCHEME_TEXT
from tests.factories import make_customer, make_order, make_product, make_shipped_order, ship_all
from tests.orders.test_pdf import kr, pdf_text

SELLER_LINE = "Org.nr 974 408 597 MVA"
SHIPPED_AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def business_order(db, **overrides):
    customer = make_customer(customer_type="business", company_name="Ås Regnskap AS")
    chair = make_product(title="Kontorstol Håg H05", price_ore=249_900, stock_quantity=4)
    desk = make_product(title="Skrivebord hev/senk", price_ore=499_000, condition="A")
    order = make_order(customer, {chair: 2, desk: 1}, delivery_method="delivery", **overrides)
    shipment = ship_all(order, method="Bring", at=SHIPPED_AT)
    db.session.flush()
    return order, shipment


def count(db, model=IssuedDocument) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_invoice_holds_every_field_a_norwegian_sales_document_must_show(app, db):
    order, _ = business_order(db)
    invoice = issue_invoice(order)
    text = pdf_text(invoice.pdf)
    document = sales_document(invoice)

    assert (invoice.kind, invoice.series, invoice.number) == ("invoice", "invoice", 10001)
    assert invoice.display_number == "10001" and "Faktura" in text and "10001" in text
    assert "Brukte Kontormøbler AS" in text and SELLER_LINE in text
    assert "Foretaksregisteret" in text
    assert "Ås Regnskap AS" in text and order.street in text
    assert f"Org.nr {order.org_number}" in text
    assert "Kontorstol Håg H05" in text and "Skrivebord hev/senk" in text
    assert "Leveringsdato 23.11.2026" in text
    assert f"{order.delivery_street}, {order.delivery_postcode} {order.delivery_city}" in text
    assert document.due_on == document.issued_on.fromordinal(document.issued_on.toordinal() + 14)
    assert f"Forfallsdato {document.due_on.strftime('%d.%m.%Y')}" in text
    assert "Frakt og levering" in text  # the delivery charge is a line of its own
    assert kr(order.total_ore) in text and invoice.total_ore == order.total_ore
    assert f"MVA 25 % {kr(order.net_ore)} {kr(order.vat_ore)}" in text
    assert invoice.kid == make_kid(10001) and is_valid_kid(invoice.kid) and invoice.kid in text
    assert "Kontonummer 1503.12.34567" in text  # the placeholder until BANK_ACCOUNT is set
    assert invoice.due_on == document.due_on and invoice.status == "issued"
    assert invoice.retain_until == date(invoice.issued_at.year + 5, 12, 31)


def test_invoice_uses_the_configured_bank_account_and_due_days(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "BANK_ACCOUNT", "1234.56.78903")
    monkeypatch.setitem(app.config, "INVOICE_DUE_DAYS", 30)
    invoice = issue_invoice(make_shipped_order())
    document = sales_document(invoice)
    assert document.bank_account == "1234.56.78903"
    assert (document.due_on - document.issued_on).days == 30
    assert "plassholder" not in pdf_text(invoice.pdf)


def test_a_picked_up_order_is_invoiced_with_the_warehouse_as_place_of_delivery(db):
    invoice = issue_invoice(make_shipped_order())
    assert sales_document(invoice).delivery_place == PICKED_UP_PLACE
    assert "Hentet på lageret, Svartbekkvegen 50, 2411 Elverum" in pdf_text(invoice.pdf)


def test_margin_scheme_product_invoice_shows_no_vat_amount_and_the_margin_text(db):
    cabinet = make_product(
        title="Arkivskap grå stål",
        price_ore=120_000,
        vat_scheme="margin",
        purchase_price_ore=40_000,
    )
    order = make_shipped_order(lines={cabinet: 1})
    assert order.lines[0].vat_scheme == "margin"  # placing snapshots the scheme

    invoice = issue_invoice(order)
    text = pdf_text(invoice.pdf)
    assert " ".join(MARGIN_SCHEME_TEXT.split()) in text
    assert "Herav MVA" not in text and "MVA 25 %" not in text
    assert "Arkivskap grå stål *" in text
    assert sales_document(invoice).vat_ore == 0 and invoice.total_ore == 120_000


def test_nothing_delivered_yet_is_not_invoiced(db):
    order = make_order()
    with pytest.raises(DocumentError, match="Ingenting er levert ennå"):
        issue_invoice(order)
    assert count(db) == 0


def test_an_order_is_invoiced_once_unless_the_invoice_is_voided(db, staff):
    order = make_shipped_order()
    first = issue_invoice(order)
    with pytest.raises(DocumentError, match="allerede fakturert \\(faktura 10001\\)"):
        issue_invoice(order)
    void_document(first, "Feil kunde på fakturaen", staff)
    second = issue_invoice(order)
    assert second.number == 10002  # 10001 stays used, marked makulert


def test_packing_slip_lists_what_was_shipped_without_prices(db):
    _, shipment = business_order(db)
    slip = issue_packing_slip(shipment)
    text = pdf_text(slip.pdf)
    assert (slip.kind, slip.number, slip.shipment_id) == ("packing_slip", 1, shipment.id)
    assert "Pakkseddel / leveringsinformasjon" in text and "Kontorstol Håg H05" in text
    assert "Leveringsdato 23.11.2026" in text and "Sendt med Bring" in text
    assert "Enhetspris" not in text and kr(249_900) not in text
    assert slip.retain_until == date(slip.issued_at.year + 4, 6, 30)
    with pytest.raises(DocumentError, match="allerede en pakkseddel"):
        issue_packing_slip(shipment)


def test_order_confirmation_document_is_numbered_like_its_order_and_issued_once(app, db):
    order = make_order()
    with app.test_request_context():
        mail = queue_order_confirmation(order, order_url="https://example.no/konto/ordre/1")
    assert mail.attachments == []  # the mail carries the text; the PDF is issued after commit
    confirmation = issue_order_confirmation(order)
    assert (confirmation.kind, confirmation.number) == ("order_confirmation", order.id)
    assert "Ordrebekreftelse" in pdf_text(confirmation.pdf)
    assert documents_of(order) == [confirmation]
    with pytest.raises(DocumentError, match="allerede en ordrebekreftelse"):
        issue_order_confirmation(order)


def test_credit_note_references_the_invoice_in_its_own_series(db, staff):
    order, _ = business_order(db)
    invoice = issue_invoice(order)
    chair_line = order.lines[0]

    note = issue_credit_note(invoice, {chair_line.id: 1}, reason="Riper i setet", issued_by=staff)
    text = pdf_text(note.pdf)
    assert (note.kind, note.series, note.number) == ("credit_note", "credit_note", 50001)
    assert note.credits_document_id == invoice.id and note.issued_by_id == staff.id
    assert "Kreditnota" in text and "Krediterer faktura nr. 10001" in text
    assert note.total_ore == -249_900 and kr(-249_900) in text
    assert SELLER_LINE in text and "Ås Regnskap AS" in text and "Riper i setet" in text

    rest = issue_credit_note(invoice, reason="Kunden angret resten")
    assert rest.number == 50002
    assert rest.total_ore + note.total_ore == -invoice.total_ore
    with pytest.raises(DocumentError, match="kreditert i sin helhet"):
        issue_credit_note(invoice, reason="En gang til")
    with pytest.raises(DocumentError, match="Skriv hvorfor"):
        issue_credit_note(invoice, reason=" ")


def test_credit_note_cannot_credit_more_than_was_invoiced(db):
    order, _ = business_order(db)
    invoice = issue_invoice(order)
    chair_line = order.lines[0]  # two chairs
    with pytest.raises(DocumentError, match=r"Bare 2 stk\."):
        issue_credit_note(invoice, {chair_line.id: 3}, reason="For mye")
    issue_credit_note(invoice, {chair_line.id: 2}, reason="Begge stolene")
    with pytest.raises(DocumentError, match=r"Bare 0 stk\."):
        issue_credit_note(invoice, {chair_line.id: 1}, reason="Én til")


def test_voiding_keeps_the_document_its_number_and_its_pdf(db, staff):
    invoice = issue_invoice(make_shipped_order())
    pdf = invoice.pdf
    void_document(invoice, "Feil adresse", staff)
    db.session.commit()
    db.session.expire_all()

    kept = db.session.get(IssuedDocument, invoice.id)
    assert (kept.status, kept.number, kept.pdf) == ("voided", 10001, pdf)
    assert kept.void_reason == "Feil adresse" and kept.voided_by_id == staff.id
    assert kept.voided_at is not None and count(db) == 1
    with pytest.raises(DocumentError, match="allerede makulert"):
        void_document(kept, "Igjen", staff)
    with pytest.raises(DocumentError, match="makulert"):
        issue_credit_note(kept, reason="Kan ikke")


def test_paid_invoice_is_marked_once_and_cannot_be_voided(db, staff):
    invoice = issue_invoice(make_shipped_order())
    mark_invoice_paid(invoice, staff)
    assert invoice.paid_at is not None and invoice.paid_by_id == staff.id
    with pytest.raises(DocumentError, match="allerede merket som betalt"):
        mark_invoice_paid(invoice, staff)
    with pytest.raises(DocumentError, match="kreditnota i stedet"):
        void_document(invoice, "For sent", staff)


def test_every_issued_document_queues_its_mail_in_the_same_transaction(db):
    order, shipment = business_order(db)
    issue_packing_slip(shipment)
    invoice = issue_invoice(order)
    issue_credit_note(invoice, reason="Prisavslag")
    mails = db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id)).all()
    assert [(m.kind, m.recipient) for m in mails] == [
        ("packing_slip", order.email),
        ("invoice", order.email),
        ("credit_note", order.email),
    ]
    assert [m.attachments[0].filename for m in mails] == [
        "pakkseddel-1.pdf",
        "faktura-10001.pdf",
        "kreditnota-50001.pdf",
    ]
    db.session.rollback()  # the documents and their mails go together
    assert count(db) == 0 and count(db, MailMessage) == 0
