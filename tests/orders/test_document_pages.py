"""/konto/dokument/<id>: the customer's own documents as a page and as the stored PDF; no others."""

from __future__ import annotations

from bkm.orders.documents import issue_invoice, void_document
from tests.factories import make_customer, make_product, make_shipped_order


def test_customer_sees_their_invoice_as_a_page_and_as_the_stored_pdf(
    client, db, login_as, customer
):
    order = make_shipped_order(customer, {make_product(title="Hev-/senkebord"): 1})
    invoice = issue_invoice(order)
    db.session.commit()
    login_as(customer)

    order_page = client.get(f"/konto/ordre/{order.number}").get_data(as_text=True)
    assert f'href="/konto/dokument/{invoice.id}"' in order_page
    assert f'href="/konto/dokument/{invoice.id}.pdf"' in order_page

    html = client.get(f"/konto/dokument/{invoice.id}").get_data(as_text=True)
    assert "Faktura 10001" in html and "Hev-/senkebord" in html and invoice.kid in html
    assert "Org.nr 974 408 597 MVA" in html and "Foretaksregisteret" in html

    pdf = client.get(f"/konto/dokument/{invoice.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == "inline; filename=faktura-10001.pdf"
    assert pdf.data == invoice.pdf


def test_a_voided_document_is_shown_as_makulert(client, db, login_as, customer, staff):
    invoice = issue_invoice(make_shipped_order(customer))
    void_document(invoice, "Feil", staff)
    db.session.commit()
    login_as(customer)
    html = client.get(f"/konto/dokument/{invoice.id}").get_data(as_text=True)
    assert 'data-testid="document-voided"' in html and "MAKULERT" in html


def test_customer_a_gets_404_for_customer_bs_document_and_pdf(client, db, login_as, customer):
    theirs = issue_invoice(make_shipped_order(make_customer()))
    db.session.commit()
    login_as(customer)
    assert client.get(f"/konto/dokument/{theirs.id}").status_code == 404
    assert client.get(f"/konto/dokument/{theirs.id}.pdf").status_code == 404
    assert client.get("/konto/dokument/999999").status_code == 404
    assert client.get("/konto/dokument/999999.pdf").status_code == 404


def test_document_pages_need_login(client, db):
    invoice = issue_invoice(make_shipped_order())
    db.session.commit()
    for url in (f"/konto/dokument/{invoice.id}", f"/konto/dokument/{invoice.id}.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/logg-inn" in response.location
