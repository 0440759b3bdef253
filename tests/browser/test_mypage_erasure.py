"""The issue's erasure acceptance test in a real browser (R9.5, R3.10).

A customer with an order that has not been handed over asks to be erased on Min side and is
refused with the reason. Staff, in a browser of their own, confirm the order, hand it over,
invoice it and mark the invoice paid through the real admin pages. Now erasure succeeds after
the password; the customer is logged out. The invoice still exists and staff open it and its
order, which no longer leads to an account.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bkm.accounts.models import User
from bkm.extensions import db
from bkm.orders.document_models import IssuedDocument
from bkm.orders.models import Order
from tests.browser.helpers import log_in
from tests.factories import DEFAULT_PASSWORD, make_customer, make_order, make_user

pytestmark = [pytest.mark.browser, pytest.mark.req("R9.5"), pytest.mark.req("R3.10")]


def staff_hand_over_invoice_and_mark_paid(page, number: str) -> None:
    page.goto(f"/admin/ordrer/{number}")
    status = page.get_by_test_id("order-status")
    page.get_by_test_id("confirm-form").get_by_role("button", name="Bekreft ordren").click()
    expect(status).to_have_text("Bekreftet")
    page.get_by_test_id("picked-up-form").get_by_role("button").click()
    expect(status).to_have_text("Hentet")
    page.get_by_test_id("invoice-form").get_by_role("button", name="Lag faktura").click()
    expect(page.get_by_text(f"Faktura for ordre {number} er laget")).to_be_visible()
    page.get_by_test_id("paid-form").get_by_role("button").click()
    expect(page.get_by_text("er merket som betalt")).to_be_visible()


def test_unshipped_order_refuses_erasure_until_shipped_and_paid_then_invoice_stays(
    page, new_watched_page, commit
):
    customer = make_customer(name="Sølvi Slettesen", email="solvi@example.no")
    order = make_order(customer)  # pickup, invoice: received, nothing handed over
    staff = make_user(role="staff", name="Stian Stab", email="stian@bruktekontormobler.no")
    commit()
    customer_id, number = customer.id, order.number

    # The customer: Min side → Slett meg is refused with the reason and until when.
    log_in(page, customer)
    page.goto("/min-side/")
    page.get_by_role("link", name="Slett meg").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slett meg")
    expect(page.get_by_test_id("erasure-blocked")).to_be_visible()
    blocking = page.get_by_test_id("erasure-check-open-order")
    expect(blocking).to_have_attribute("data-blocks", "ja")
    expect(blocking).to_contain_text(f"Bestilling {number} er ikke sendt eller hentet ennå")
    expect(blocking).to_contain_text("Til bestillingen er sendt, hentet eller kansellert.")
    expect(page.get_by_test_id("erasure-form")).to_have_count(0)
    expect(page.get_by_role("link", name="www.datatilsynet.no")).to_be_visible()

    # Staff, in a browser of their own, hand the order over, invoice it and record payment.
    staff_page = new_watched_page()
    log_in(staff_page, staff)
    staff_hand_over_invoice_and_mark_paid(staff_page, number)

    # The customer again: nothing blocks; the invoice is kept; erasure after the password.
    page.reload()
    expect(page.get_by_test_id("erasure-allowed")).to_be_visible()
    expect(page.locator('[data-blocks="ja"]')).to_have_count(0)
    expect(page.get_by_test_id("erasure-kept")).to_contain_text("Faktura 10001")
    form = page.get_by_test_id("erasure-form")
    form.get_by_label("Passordet ditt").fill(DEFAULT_PASSWORD)
    form.get_by_label("Jeg forstår at kontoen min").check()
    form.get_by_role("button", name="Slett kontoen min for godt").click()
    expect(page.get_by_test_id("erasure-done")).to_have_text("Kontoen din er slettet")
    page.goto("/min-side/")
    expect(page).to_have_url(re.compile(r"/konto/logg-inn"))

    db.session.rollback()  # a fresh transaction: see what the live server committed
    assert db.session.get(User, customer_id) is None
    stored = db.session.scalar(select(Order).where(Order.number == number))
    assert stored.customer_id is None and stored.name == ""
    invoice = db.session.scalar(
        select(IssuedDocument).where(
            IssuedDocument.order_id == stored.id, IssuedDocument.kind == "invoice"
        )
    )
    assert invoice is not None and invoice.paid_at is not None

    # Staff open the order and the invoice without the account.
    staff_page.goto(f"/admin/ordrer/{number}")
    expect(staff_page.get_by_test_id("erased-customer")).to_have_text("Slettet kunde")
    documents = staff_page.get_by_test_id("documents")
    expect(documents).to_contain_text("Betalt")
    href = documents.get_by_role("link", name="Faktura").get_attribute("href")
    pdf = staff_page.request.get(href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == invoice.pdf
