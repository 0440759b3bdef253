"""The six exceptions to erasure (R9.5) as tables of cases, date edges included.

Edges (bkm/privacy/exceptions.py): a period of years or months ends on the anniversary, or
the month's last day when the final month is shorter, and that day still blocks; erasure is
possible from the day after.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bkm.orders.documents import (
    issue_credit_note,
    issue_invoice,
    mark_invoice_paid,
    void_document,
)
from bkm.orders.statuses import (
    CANCELLED,
    CONFIRMED,
    PARTIALLY_SHIPPED,
    PICKED_UP,
    RECEIVED,
    SHIPPED,
)
from bkm.privacy.exceptions import (
    RULES,
    add_months,
    checks,
    credit_rejected,
    debt_sold,
    misuse,
    norwegian_date,
    ongoing_case,
    open_order,
    preflight,
    unpaid_debt,
)
from bkm.privacy.models import CreditDecision, DebtSale, MisuseIncident
from tests.factories import (
    make_case,
    make_customer,
    make_order,
    make_product,
    ship_all,
    ship_order,
)

pytestmark = pytest.mark.req("R9.5")


def add(db, row):
    db.session.add(row)
    db.session.flush()
    return row


# ---------- Dates ----------


@pytest.mark.parametrize(
    "start, months, end",
    [
        (date(2025, 3, 15), 3, date(2025, 6, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),  # no 30 February: the month's last day
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # leap year
        (date(2025, 8, 31), 3, date(2025, 11, 30)),
        (date(2025, 12, 31), 3, date(2026, 3, 31)),  # across the year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day, one year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # four years on: a leap day again
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
    ],
)
def test_add_months_lands_on_the_same_day_or_the_months_last_day(start, months, end):
    assert add_months(start, months) == end


def test_norwegian_date_names_the_month_in_bokmal():
    assert norwegian_date(date(2029, 3, 12)) == "12. mars 2029"
    assert norwegian_date(date(2026, 12, 1)) == "1. desember 2026"


# ---------- (1) An ongoing case ----------


@pytest.mark.parametrize(
    "status, blocks",
    [("open", True), ("waiting_for_customer", True), ("closed", False)],
)
def test_ongoing_case_blocks_until_the_case_is_closed(db, status, blocks):
    customer = make_customer()
    case = make_case(customer, subject="Stolen knirker")
    case.status = status
    db.session.flush()
    reason = ongoing_case(customer, date(2026, 1, 1))
    assert (reason is not None) is blocks
    if blocks:
        assert case.number in reason.explanation
        assert reason.until == "til saken er avsluttet"
        assert reason.last_day is None


def test_an_open_case_about_personal_data_does_not_block_its_own_answer(db):
    customer = make_customer()
    make_case(customer, kind="privacy", subject="Personopplysninger", body="Slett meg, takk.")
    assert ongoing_case(customer, date(2026, 1, 1)) is None


def test_ongoing_case_of_another_customer_does_not_block(db):
    mine, theirs = make_customer(), make_customer()
    make_case(theirs)
    assert ongoing_case(mine, date(2026, 1, 1)) is None


# ---------- (2) An open, unshipped or partly shipped order ----------


@pytest.mark.parametrize(
    "status, blocks",
    [
        (RECEIVED, True),
        (CONFIRMED, True),
        (PARTIALLY_SHIPPED, True),
        (SHIPPED, False),
        (PICKED_UP, False),
        (CANCELLED, False),
    ],
)
def test_open_order_blocks_until_sent_picked_up_or_cancelled(db, status, blocks):
    customer = make_customer()
    order = make_order(customer)
    order.status = status
    db.session.flush()
    reason = open_order(customer, date(2026, 1, 1))
    assert (reason is not None) is blocks
    if blocks:
        assert order.number in reason.explanation
        assert "sendt, hentet eller kansellert" in reason.until


def test_partly_shipped_order_is_explained_as_partly_sent(db):
    customer = make_customer()
    order = make_order(customer, {make_product(stock_quantity=2): 2})
    ship_order(order, {order.lines[0]: 1})
    assert order.status == PARTIALLY_SHIPPED
    reason = open_order(customer, date(2026, 1, 1))
    assert f"Bestilling {order.number} er bare delvis sendt." in reason.explanation


# ---------- (3) An unpaid debt, whatever the payment method ----------


def _shipped(customer, payment_method="invoice"):
    order = make_order(customer, payment_method=payment_method)
    ship_all(order)
    return order


def _invoiced(customer):
    order = _shipped(customer)
    return order, issue_invoice(order)


def _unpaid_invoice(customer):
    return _invoiced(customer)


def _paid_invoice(customer):
    order, invoice = _invoiced(customer)
    mark_invoice_paid(invoice, None)
    return order, invoice


def _voided_invoice(customer):
    order, invoice = _invoiced(customer)
    void_document(invoice, "Feil adresse", None)
    return order, invoice


def _fully_credited(customer):
    order, invoice = _invoiced(customer)
    issue_credit_note(invoice, reason="Returnert")
    return order, invoice


def _partly_credited(customer):
    product_a, product_b = make_product(price_ore=100_000), make_product(price_ore=50_000)
    order = make_order(customer, {product_a: 1, product_b: 1})
    ship_all(order)
    invoice = issue_invoice(order)
    issue_credit_note(invoice, {order.lines[0].id: 1}, reason="Riper i lakken")
    return order, invoice


def _voided_credit_note(customer):
    order, invoice = _invoiced(customer)
    note = issue_credit_note(invoice, reason="Feil")
    void_document(note, "Laget ved en feil", None)
    return order, invoice


def _shipped_not_invoiced(customer):
    return _shipped(customer), None


def _picked_up_not_paid(customer):
    order = _shipped(customer, payment_method="pickup")
    assert order.status == PICKED_UP
    return order, None


def _picked_up_and_paid(customer):
    order = _shipped(customer, payment_method="pickup")
    invoice = issue_invoice(order)
    mark_invoice_paid(invoice, None)
    return order, invoice


def _not_handed_over(customer):
    return make_order(customer), None


def _cancelled(customer):
    order = make_order(customer)
    order.status = CANCELLED
    return order, None


@pytest.mark.parametrize(
    "situation, blocks, says",
    [
        (_unpaid_invoice, True, "er ikke betalt"),
        (_paid_invoice, False, None),
        (_voided_invoice, True, "ikke fakturert og betalt"),  # delivered, no invoice stands
        (_fully_credited, False, None),
        (_partly_credited, True, "(kr\u00a0500,"),  # what is left after the credit note
        (_voided_credit_note, True, "er ikke betalt"),
        (_shipped_not_invoiced, True, "ikke fakturert og betalt"),
        (_picked_up_not_paid, True, "betalingen er ikke registrert"),
        (_picked_up_and_paid, False, None),
        (_not_handed_over, False, None),
        (_cancelled, False, None),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)).strip("_"),
)
def test_unpaid_debt_blocks_whatever_the_payment_method(db, situation, blocks, says):
    customer = make_customer()
    order, _invoice = situation(customer)
    db.session.flush()
    reason = unpaid_debt(customer, date(2026, 1, 1))
    assert (reason is not None) is blocks
    if blocks:
        assert order.number in reason.explanation
        assert says in reason.explanation
        assert reason.until == "til alt er betalt"


def test_unpaid_invoice_reason_names_amount_and_due_date(db):
    customer = make_customer()
    _order, invoice = _invoiced(customer)
    reason = unpaid_debt(customer, date(2026, 1, 1))
    assert invoice.display_number in reason.explanation
    assert f"forfall {invoice.due_on:%d.%m.%Y}" in reason.explanation


# ---------- (4) Misuse within four years ----------

MISUSE_ON = date(2021, 3, 12)


@pytest.mark.parametrize("status", ["suspected", "confirmed"])
@pytest.mark.parametrize(
    "occurred_on, today, blocks",
    [
        (MISUSE_ON, date(2025, 3, 11), True),  # the day before four years
        (MISUSE_ON, date(2025, 3, 12), True),  # exactly four years: the anniversary still blocks
        (MISUSE_ON, date(2025, 3, 13), False),  # the day after
        (date(2020, 2, 29), date(2024, 2, 29), True),  # leap day to leap day
        (date(2020, 2, 29), date(2024, 3, 1), False),
        (date(2025, 6, 1), date(2025, 6, 1), True),  # today
    ],
)
def test_misuse_blocks_for_four_years_through_the_anniversary(
    db, status, occurred_on, today, blocks
):
    customer = make_customer()
    add(db, MisuseIncident(user_id=customer.id, status=status, occurred_on=occurred_on))
    reason = misuse(customer, today)
    assert (reason is not None) is blocks
    if blocks:
        anniversary = occurred_on.replace(year=occurred_on.year + 4)
        assert reason.last_day == anniversary
        assert reason.erasable_from == anniversary + timedelta(days=1)
        assert reason.until == f"til og med {norwegian_date(anniversary)}"
        assert ("mistanke om misbruk" in reason.explanation) is (status == "suspected")


def test_misuse_until_follows_the_latest_incident(db):
    customer = make_customer()
    for day in (date(2022, 5, 1), date(2024, 8, 20), date(2019, 1, 1)):
        add(db, MisuseIncident(user_id=customer.id, status="confirmed", occurred_on=day))
    assert misuse(customer, date(2025, 1, 1)).last_day == date(2028, 8, 20)


# ---------- (5) Debt sold within three years, one year if deceased ----------

SOLD_ON = date(2022, 6, 15)


@pytest.mark.parametrize(
    "sold_on, deceased, today, blocks",
    [
        (SOLD_ON, False, date(2025, 6, 14), True),
        (SOLD_ON, False, date(2025, 6, 15), True),  # exactly three years
        (SOLD_ON, False, date(2025, 6, 16), False),
        (date(2024, 6, 15), True, date(2025, 6, 14), True),
        (date(2024, 6, 15), True, date(2025, 6, 15), True),  # exactly one year, deceased
        (date(2024, 6, 15), True, date(2025, 6, 16), False),
        (date(2024, 6, 15), False, date(2025, 6, 16), True),  # alive: still three years
        (date(2024, 2, 29), True, date(2025, 2, 28), True),  # leap day + 1 year → 28 Feb
        (date(2024, 2, 29), True, date(2025, 3, 1), False),
    ],
)
def test_debt_sold_blocks_three_years_or_one_if_deceased(db, sold_on, deceased, today, blocks):
    customer = make_customer(deceased_on=date(2024, 1, 10) if deceased else None)
    add(db, DebtSale(user_id=customer.id, sold_on=sold_on, buyer="Inkasso AS", amount_ore=1))
    reason = debt_sold(customer, today)
    assert (reason is not None) is blocks
    if blocks:
        assert reason.last_day == add_months(sold_on, 12 if deceased else 36)
        assert "Inkasso AS" in reason.explanation
        assert ("fordi kunden er død" in reason.explanation) is deceased


# ---------- (6) A credit application rejected within three months ----------


@pytest.mark.parametrize(
    "decided_on, outcome, today, blocks",
    [
        (date(2025, 3, 15), "rejected", date(2025, 6, 14), True),
        (date(2025, 3, 15), "rejected", date(2025, 6, 15), True),  # exactly three months
        (date(2025, 3, 15), "rejected", date(2025, 6, 16), False),
        (date(2025, 11, 30), "rejected", date(2026, 2, 27), True),
        (date(2025, 11, 30), "rejected", date(2026, 2, 28), True),  # 30 Nov → 28 Feb
        (date(2025, 11, 30), "rejected", date(2026, 3, 1), False),
        (date(2027, 11, 30), "rejected", date(2028, 2, 29), True),  # → 29 Feb, leap year
        (date(2027, 11, 30), "rejected", date(2028, 3, 1), False),
        (date(2025, 8, 31), "rejected", date(2025, 11, 30), True),  # 31 Aug → 30 Nov
        (date(2025, 8, 31), "rejected", date(2025, 12, 1), False),
        (date(2025, 11, 30), "approved", date(2025, 12, 1), False),  # only rejections count
    ],
)
def test_credit_rejection_blocks_for_three_months(db, decided_on, outcome, today, blocks):
    customer = make_customer()
    add(db, CreditDecision(user_id=customer.id, decided_on=decided_on, outcome=outcome))
    reason = credit_rejected(customer, today)
    assert (reason is not None) is blocks
    if blocks:
        assert reason.last_day == add_months(decided_on, 3)
        assert reason.erasable_from == reason.last_day + timedelta(days=1)


# ---------- The preflight ----------


def test_preflight_finds_every_exception_that_applies_in_the_statements_order(db):
    customer = make_customer()
    today = date(2026, 1, 10)
    make_case(customer)
    make_order(customer)
    _shipped(customer)
    add(db, MisuseIncident(user_id=customer.id, status="suspected", occurred_on=date(2025, 1, 1)))
    add(db, DebtSale(user_id=customer.id, sold_on=date(2025, 1, 1), buyer="X AS", amount_ore=9))
    add(db, CreditDecision(user_id=customer.id, decided_on=date(2026, 1, 1), outcome="rejected"))
    codes = [reason.code for reason in preflight(customer, today)]
    assert codes == [rule.code for rule in RULES]
    assert len(RULES) == 6


def test_preflight_is_empty_for_a_customer_with_only_finished_business(db):
    customer = make_customer()
    _paid_invoice(customer)
    case = make_case(customer)
    case.status = "closed"
    add(db, MisuseIncident(user_id=customer.id, status="confirmed", occurred_on=date(2015, 1, 1)))
    db.session.flush()
    assert preflight(customer, date(2026, 1, 1)) == []
    assert [reason for _rule, reason in checks(customer, date(2026, 1, 1))] == [None] * 6


def test_preflight_ignores_other_customers_facts(db):
    mine, theirs = make_customer(), make_customer()
    make_order(theirs)
    make_case(theirs)
    add(db, MisuseIncident(user_id=theirs.id, status="confirmed", occurred_on=date(2025, 1, 1)))
    add(db, DebtSale(user_id=theirs.id, sold_on=date(2025, 1, 1), buyer="X AS", amount_ore=9))
    add(db, CreditDecision(user_id=theirs.id, decided_on=date(2026, 1, 1), outcome="rejected"))
    assert preflight(mine, date(2026, 1, 10)) == []


def test_preflight_checks_a_guest_without_password_like_anyone(db):
    guest = make_customer(password=None, registration_channel="checkout")
    make_order(guest)
    assert [reason.code for reason in preflight(guest, date(2026, 1, 1))] == ["open_order"]
