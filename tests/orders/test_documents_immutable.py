"""An issued document never changes and is never deleted; only void and payment fields move."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bkm.orders.document_models import ImmutableDocument, IssuedDocument
from bkm.orders.documents import issue_invoice, mark_invoice_paid, void_document
from tests.factories import make_shipped_order


@pytest.fixture
def invoice(db):
    document = issue_invoice(make_shipped_order())
    db.session.commit()
    return document


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("snapshot", {"number": "99999"}),
        ("pdf", b"%PDF-1.7 forged"),
        ("number", 10099),
        ("display_number", "10099"),
        ("kind", "credit_note"),
        ("total_ore", 1),
        ("kid", "00100016"),
        ("issued_at", None),
    ],
)
def test_changing_an_issued_document_is_refused(db, invoice, field, value):
    if value is None:
        value = invoice.issued_at.replace(year=2000)
    setattr(invoice, field, value)
    with pytest.raises(ImmutableDocument, match=field):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(IssuedDocument, invoice.id).number == 10001


def test_deleting_an_issued_document_is_refused(db, invoice):
    db.session.delete(invoice)
    with pytest.raises(ImmutableDocument, match="makulert"):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IssuedDocument)) == 1


def test_void_and_payment_fields_may_change_but_a_void_is_final(db, invoice, staff):
    mark_invoice_paid(invoice, staff)
    db.session.commit()
    invoice.paid_at = None  # a payment recorded by mistake can be taken back
    invoice.paid_by_id = None
    db.session.commit()
    void_document(invoice, "Feil", staff)
    db.session.commit()

    invoice.status = "issued"
    with pytest.raises(ImmutableDocument, match="voided for good"):
        db.session.flush()
    db.session.rollback()
