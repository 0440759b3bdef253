"""Packing slip, invoice and credit note reach the buyer by SMTP with the PDF attached (R3.2)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from bkm.mail.sender import send_due
from bkm.orders.documents import issue_credit_note, issue_invoice, issue_packing_slip
from tests.factories import make_customer, make_order, make_product, ship_all
from tests.orders.test_pdf import flat


def pdf_attachments(message) -> dict[str, str]:
    """{filename: extracted text} of the message's PDF attachments."""
    found = {}
    for part in message.iter_attachments():
        assert part.get_content_type() == "application/pdf"
        reader = PdfReader(io.BytesIO(part.get_content()))
        found[part.get_filename()] = flat(" ".join(page.extract_text() for page in reader.pages))
    return found


@pytest.mark.req("R3.2")
def test_packing_slip_invoice_and_credit_note_arrive_by_smtp_with_their_pdfs(db, smtp_server):
    customer = make_customer(email="kari.kunde@example.no")
    order = make_order(customer, {make_product(title="Arkivskap grå"): 1})
    slip = issue_packing_slip(ship_all(order))
    invoice = issue_invoice(order)
    note = issue_credit_note(invoice, reason="Bulk i døra")
    db.session.commit()

    report = send_due()
    assert report.sent == 3 and report.failed == 0

    by_subject = {message["Subject"]: message for message in smtp_server.messages}
    assert set(by_subject) == {
        f"Pakkseddel – ordre {order.number}",
        "Faktura 10001 fra Brukte Kontormøbler AS",
        "Kreditnota 50001 til faktura 10001",
    }
    assert {m["To"] for m in smtp_server.messages} == {"kari.kunde@example.no"}

    invoice_mail = by_subject["Faktura 10001 fra Brukte Kontormøbler AS"]
    attached = pdf_attachments(invoice_mail)
    assert list(attached) == ["faktura-10001.pdf"]
    assert "Fakturanr. 10001" in attached["faktura-10001.pdf"]
    assert f"KID {invoice.kid}" in attached["faktura-10001.pdf"]
    body = invoice_mail.get_body(preferencelist=("plain",)).get_content()
    assert invoice.kid in body and "Forfallsdato" in body

    slip_pdf = pdf_attachments(by_subject[f"Pakkseddel – ordre {order.number}"])
    assert "Arkivskap grå" in slip_pdf[f"pakkseddel-{slip.display_number}.pdf"]
    note_pdf = pdf_attachments(by_subject["Kreditnota 50001 til faktura 10001"])
    assert "Krediterer faktura nr. 10001" in note_pdf[f"kreditnota-{note.display_number}.pdf"]
