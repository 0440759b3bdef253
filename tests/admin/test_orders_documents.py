"""Staff issue invoices, packing slips and credit notes and mark invoices paid from the order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bkm.orders.document_models import IssuedDocument
from tests.accounts.helpers import CSRF_SALT, STALE_FORM_MESSAGE, signed_seconds_ago
from tests.factories import audit_rows, make_customer, make_order, make_product, ship_order


def documents(db, kind: str | None = None) -> list[IssuedDocument]:
    db.session.expire_all()
    stmt = select(IssuedDocument).order_by(IssuedDocument.id)
    if kind:
        stmt = stmt.where(IssuedDocument.kind == kind)
    return list(db.session.scalars(stmt))


@pytest.fixture
def shipped(db):
    order = make_order(make_customer(), {make_product(stock_quantity=2): 2})
    order.status = "confirmed"
    ship_order(order)
    db.session.commit()
    return order


def url(order, step: str = "") -> str:
    return f"/admin/ordrer/{order.number}" + (f"/{step}" if step else "")


def page(client, order) -> str:
    return client.get(url(order)).get_data(as_text=True)


def test_invoice_paid_and_credit_note_from_the_order_page(client, login_as, staff, db, shipped):
    login_as(staff)

    assert client.submit(url(shipped, "faktura"), form_url=url(shipped)).status_code == 303
    (invoice,) = documents(db, "invoice")
    assert invoice.issued_by_id == staff.id
    assert "er laget og sendt til kunden" in page(client, shipped)

    client.submit(url(shipped, "faktura"), form_url=url(shipped))
    assert len(documents(db, "invoice")) == 1
    assert "allerede fakturert" in page(client, shipped)

    client.submit(url(shipped, "betalt"), form_url=url(shipped))
    assert documents(db, "invoice")[0].paid_at is not None
    client.submit(url(shipped, "betalt"), form_url=url(shipped))
    assert "allerede merket som betalt" in page(client, shipped)

    client.submit(url(shipped, "kreditnota"), {"reason": ""}, form_url=url(shipped))
    assert documents(db, "credit_note") == []
    assert "Skriv hvorfor det krediteres." in page(client, shipped)
    client.submit(url(shipped, "kreditnota"), {"reason": "x" * 10_240}, form_url=url(shipped))
    assert documents(db, "credit_note") == []
    assert "Begrunnelsen kan ha maks 500 tegn." in page(client, shipped)

    client.submit(url(shipped, "kreditnota"), {"reason": "Skadet stol"}, form_url=url(shipped))
    (credit,) = documents(db, "credit_note")
    assert credit.credits_document_id == invoice.id and credit.total_ore < 0


def test_packing_slip_once_per_shipment(client, login_as, staff, db, shipped):
    shipment_id = shipped.shipments[0].id
    login_as(staff)
    slip_url = url(shipped, f"pakkseddel/{shipment_id}")
    client.submit(slip_url, form_url=url(shipped))
    client.submit(slip_url, form_url=url(shipped))
    assert len(documents(db, "packing_slip")) == 1
    assert (
        client.submit(url(shipped, "pakkseddel/999999"), form_url=url(shipped)).status_code == 404
    )


def test_an_order_with_nothing_shipped_cannot_be_invoiced_or_marked_paid(
    client, login_as, staff, db
):
    order = make_order(make_customer())
    db.session.commit()
    login_as(staff)
    client.submit(url(order, "faktura"), form_url=url(order))
    client.submit(url(order, "betalt"), form_url=url(order))
    assert documents(db, "invoice") == []
    assert "Ordren har ingen faktura ennå." in page(client, order)


def test_document_pdf_is_served_and_logged(client, login_as, staff, db, shipped):
    login_as(staff)
    client.submit(url(shipped, "faktura"), form_url=url(shipped))
    (invoice,) = documents(db, "invoice")
    before = len(audit_rows())

    response = client.get(url(shipped, f"dokument/{invoice.id}"))

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    rows = audit_rows()
    assert len(rows) == before + 1
    assert (rows[-1].action, rows[-1].subject_user_id) == ("exported", shipped.customer_id)
    assert client.get(url(shipped, "dokument/999999")).status_code == 404


def test_stale_csrf_issues_nothing(client, login_as, staff, db, shipped, monkeypatch):
    login_as(staff)
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(url(shipped))
    response = client.post(url(shipped, "faktura"), data={"csrf_token": token})
    assert response.status_code == 400 and STALE_FORM_MESSAGE in response.get_data(as_text=True)
    assert documents(db) == []


def test_customers_cannot_issue_documents(client, login_as, customer, db, shipped):
    login_as(customer)
    token = client.csrf_token("/konto/send-bekreftelse")
    for step in ("faktura", "betalt", "kreditnota", f"pakkseddel/{shipped.shipments[0].id}"):
        assert client.post(url(shipped, step), data={"csrf_token": token}).status_code == 403
    assert documents(db) == []
