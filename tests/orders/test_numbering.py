"""Gapless numbers: allocate in the issuing transaction; a rollback gives the number back."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from bkm.extensions import db
from bkm.orders.document_models import DocumentSeries, IssuedDocument
from bkm.orders.documents import issue_invoice
from bkm.orders.models import Order
from bkm.orders.numbering import FIRST_NUMBERS, allocate
from tests.factories import make_shipped_order

ISSUERS = 20


def test_series_start_at_their_first_numbers_and_count_up(db):
    assert [allocate("invoice") for _ in range(3)] == [10001, 10002, 10003]
    assert allocate("credit_note") == 50001
    assert allocate("packing_slip") == 1 and allocate("order_confirmation") == 1
    assert allocate("something_new") == 1  # a missing series is created on first use
    assert FIRST_NUMBERS["invoice"] == 10001


def test_a_rolled_back_allocation_gives_the_number_back(db):
    assert allocate("invoice") == 10001
    db.session.commit()
    assert allocate("invoice") == 10002
    db.session.rollback()
    assert allocate("invoice") == 10002


def test_a_rolled_back_invoice_leaves_no_gap(db):
    first, second = make_shipped_order(), make_shipped_order()
    db.session.commit()
    issue_invoice(first)
    db.session.rollback()  # e.g. the mail could not be rendered, or the view failed later
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IssuedDocument)) == 0

    first, second = db.session.get(Order, first.id), db.session.get(Order, second.id)
    assert issue_invoice(second).number == 10001
    assert issue_invoice(first).number == 10002
    db.session.commit()


def test_twenty_invoices_issued_at_once_are_numbered_10001_to_10020_without_gaps(app_factory):
    # A pool big enough for every issuer to hold its connection at the starting line.
    issuing_app = app_factory(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": ISSUERS + 2})
    order_ids = [make_shipped_order().id for _ in range(ISSUERS)]
    db.session.commit()
    start = threading.Barrier(ISSUERS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def issuer(order_id: int) -> None:
        try:
            with issuing_app.app_context():  # its own session and connection
                order = db.session.get(Order, order_id)
                start.wait(timeout=60)
                numbers.append(issue_invoice(order).number)
                db.session.commit()
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=issuer, args=(order_id,)) for order_id in order_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(numbers) == list(range(10001, 10001 + ISSUERS))
    stored = db.session.execute(
        sa.select(IssuedDocument.number, IssuedDocument.order_id, IssuedDocument.kid)
    ).all()
    assert sorted(row.number for row in stored) == list(range(10001, 10001 + ISSUERS))
    assert sorted(row.order_id for row in stored) == sorted(order_ids)  # one each
    assert len({row.kid for row in stored}) == ISSUERS
    series = db.session.get(DocumentSeries, "invoice")
    assert series.next_number == 10001 + ISSUERS


def test_the_same_order_invoiced_from_two_places_at_once_gets_one_invoice(app):
    order_id = make_shipped_order().id
    db.session.commit()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def issuer() -> None:
        with app.app_context():
            order = db.session.get(Order, order_id)
            start.wait(timeout=30)
            try:
                issue_invoice(order)
                db.session.commit()
                outcomes.append("issued")
            except Exception as error:
                db.session.rollback()
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=issuer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["DocumentError", "issued"]
    numbers = db.session.scalars(sa.select(IssuedDocument.number)).all()
    assert numbers == [10001]
    assert allocate("invoice") == 10002  # the refused issuer's number came back
