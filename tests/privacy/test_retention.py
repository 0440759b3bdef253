"""Retention (R3.9): seven years of generated data, run with a frozen clock, show what is
anonymised or deleted on which day, and what is kept; a second run and --dry-run change
nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from bkm.accounts.models import User
from bkm.cases.handling import add_message, close_case
from bkm.cases.models import Case
from bkm.clickstream.models import ClickEvent
from bkm.clock import OSLO
from bkm.consent.models import ConsentRecord
from bkm.extensions import db
from bkm.mail.models import MailAttachment, MailMessage
from bkm.newsletter.models import Subscription
from bkm.orders.document_models import ImmutableDocument, IssuedDocument
from bkm.orders.documents import (
    issue_credit_note,
    issue_invoice,
    issue_order_confirmation,
    issue_packing_slip,
    mark_invoice_paid,
)
from bkm.orders.models import Order, Shipment
from bkm.orders.quote_models import CreditNotice, Quote
from bkm.orders.shipments import record_shipment
from bkm.orders.statuses import CANCELLED, CONFIRMED, STATUSES
from bkm.privacy.models import CreditDecision, DebtSale, MisuseIncident
from bkm.privacy.retention import Cutoffs, periods_from, retained_until
from bkm.privacy.retention_cli import STEPS
from bkm.privacy.retention_housekeeping import old_mail_files
from tests.factories import (
    make_case,
    make_category,
    make_consent_record,
    make_customer,
    make_issued_quote,
    make_order,
    make_product,
    make_quote,
    make_user,
)

pytestmark = pytest.mark.req("R3.9")

# Where the shop's rules read the time while the test builds its history.
CLOCKED_MODULES = (
    "bkm.orders.placing",
    "bkm.orders.documents",
    "bkm.orders.shipments",
    "bkm.orders.quotes",
    "bkm.cases.handling",
    "bkm.mail.outbox",
)
YEARS = range(2019, 2026)  # seven years
SCENARIOS = (
    "shipped",
    "picked_up",
    "partially_shipped",
    "cancelled",
    "received",
    "confirmed",
    "credited",  # invoiced in March, credited the next January
)
WITHOUT_INVOICE = ("partially_shipped", "cancelled", "received", "confirmed")
NOTE = "Ring Kari på 41234567 før levering"


def oslo(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO).astimezone(UTC)


@pytest.fixture
def clock(monkeypatch):
    """Sets the time the rules read; documents get a stand-in PDF, so seven years stay fast."""

    def set_to(moment: datetime) -> datetime:
        for module in CLOCKED_MODULES:
            monkeypatch.setattr(f"{module}.utcnow", lambda: moment)
        return moment

    monkeypatch.setattr("bkm.orders.documents.render_pdf", lambda document: b"%PDF-1.4 test")
    return set_to


def run_retention(moment: datetime) -> dict[str, int]:
    """Every step of `bkm retention run` at `moment`, committed as the command does."""
    cutoffs = Cutoffs.at(moment, periods_from(current_app.config))
    counts: dict[str, int] = {}
    for step in STEPS:
        counts.update(step.run(cutoffs))
    db.session.commit()
    db.session.expire_all()
    return counts


def database_state() -> dict[str, list[tuple]]:
    """Every row of every table, for comparing before and after."""
    db.session.expire_all()
    return {
        table.name: [
            tuple(row)
            for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
        ]
        for table in db.metadata.sorted_tables
    }


# ---------- The generated history ----------


def place(clock, customer, category, year: int, scenario: str) -> Order:
    """One order of `year` in `scenario`, with the documents that scenario has."""
    clock(oslo(year, 3, 15, 10))
    delivery = scenario in ("shipped", "partially_shipped", "credited")
    products = [make_product(category=category) for _ in range(2)]
    order = make_order(
        customer,
        dict.fromkeys(products, 1),
        delivery_method="delivery" if delivery else "pickup",
    )
    if scenario == "received":
        return order
    issue_order_confirmation(order)
    if scenario in ("confirmed", "cancelled"):
        order.status = CONFIRMED if scenario == "confirmed" else CANCELLED
        return order
    clock(oslo(year, 3, 20, 9))
    lines = order.lines[:1] if scenario == "partially_shipped" else order.lines
    shipment = record_shipment(order, {line.id: 1 for line in lines}, note=NOTE)
    issue_packing_slip(shipment)
    if scenario == "partially_shipped":
        return order
    clock(oslo(year, 3, 21, 9))
    invoice = issue_invoice(order)
    mark_invoice_paid(invoice, None, at=oslo(year, 4, 2, 9))
    if scenario == "credited":
        clock(oslo(year + 1, 1, 10, 9))
        issue_credit_note(invoice, reason="Riper i bordplaten")
    return order


def add_correspondence(clock, customer, staff, category, year: int) -> dict[str, int]:
    """A quote request, an issued quote, a closed case and a credit notice of `year`."""
    clock(oslo(year, 5, 2))
    requested = make_quote(
        customer, {make_product(category=category): 1}, message="Kan dere bære opp i 3. etg.?"
    )
    clock(oslo(year, 5, 3))
    issued = make_issued_quote(customer, {make_product(category=category): 1}, issued_by=staff)
    clock(oslo(year, 6, 1))
    case = make_case(customer, subject="Riper i bordplaten", body="Bordet har riper, Kari")
    clock(oslo(year, 6, 2))
    add_message(case, staff, "Vi sender en ny plate.", from_staff=True)
    clock(oslo(year, 6, 10))
    close_case(case)
    notice = CreditNotice(
        customer_id=customer.id,
        amount_ore=50_000,
        reason="Forsinket levering til Storgata 12",
        created_at=oslo(year, 8, 1),
        created_by_id=staff.id,
    )
    db.session.add(notice)
    db.session.flush()
    return {"quote": requested.id, "issued_quote": issued.id, "case": case.id, "notice": notice.id}


@pytest.fixture
def history(db, clock):
    """Seven years (2019–2025) of one customer's orders in every status with their documents,
    quotes, cases and credit notices; {"2020/shipped": order id, ...} and the side rows."""
    customer = make_customer(
        name="Kari Nordmann", created_at=oslo(2018, 12, 1), email_verified_at=oslo(2018, 12, 1)
    )
    staff = make_user(role="staff")
    category = make_category()
    orders, side = {}, {}
    for year in YEARS:
        for scenario in SCENARIOS:
            if scenario == "credited" and year == YEARS[-1]:
                continue  # its credit note would lie after the runs below
            orders[f"{year}/{scenario}"] = place(clock, customer, category, year, scenario).id
        side[year] = add_correspondence(clock, customer, staff, category, year)
    db.session.commit()
    return {"customer": customer.id, "orders": orders, "side": side}


def anonymised(history) -> set[str]:
    return {
        label
        for label, order_id in history["orders"].items()
        if db.session.get(Order, order_id).anonymised_at is not None
    }


def documents_by_order(history) -> dict[str, list[str]]:
    rows = db.session.execute(sa.select(IssuedDocument.order_id, IssuedDocument.kind))
    kinds: dict[int, list[str]] = {}
    for order_id, kind in rows:
        kinds.setdefault(order_id, []).append(kind)
    return {
        label: sorted(kinds.get(order_id, []))
        for label, order_id in history["orders"].items()
        if kinds.get(order_id)
    }


def until(documents: dict[str, list[str]], last_year: int) -> dict[str, list[str]]:
    return {label: kinds for label, kinds in documents.items() if int(label[:4]) <= last_year}


def since(documents: dict[str, list[str]], first_year: int) -> dict[str, list[str]]:
    return {label: kinds for label, kinds in documents.items() if int(label[:4]) >= first_year}


# ---------- Dates ----------


@pytest.mark.parametrize(
    ("year", "months", "last_day"),
    [
        (2019, 60, date(2024, 12, 31)),  # invoices and credit notes: 31 December of year + 5
        (2020, 42, date(2024, 6, 30)),  # secondary documents: 30 June of year + 4
        (2023, 43, date(2027, 7, 31)),  # a longer setting ends on that month's last day
    ],
)
def test_retention_ends_on_the_last_day_of_the_period_after_the_financial_year(
    year, months, last_day
):
    assert retained_until(year, months) == last_day


# ---------- Orders and documents ----------


def test_seven_years_of_orders_lose_their_buyer_only_when_every_document_is_past_retention(
    db, history
):
    orders = history["orders"]
    assert {db.session.get(Order, order_id).status for order_id in orders.values()} == set(STATUSES)
    built = documents_by_order(history)

    # 31 December 2025, 23:59 in Oslo: invoices of 2019 are past (31.12.2024); those of 2020
    # are kept through today; order confirmations and packing slips of 2021 are past (30.6.2025).
    run_retention(oslo(2025, 12, 31, 23, 59))
    old_without_invoice = {f"{y}/{s}" for y in (2019, 2020, 2021) for s in WITHOUT_INVOICE}
    # 2019/credited stays: its credit note is from 2020, and it keeps the invoice it credits.
    assert anonymised(history) == old_without_invoice | {"2019/shipped", "2019/picked_up"}
    left = documents_by_order(history)
    assert until(left, 2021) == {
        "2019/credited": ["credit_note", "invoice"],
        "2020/shipped": ["invoice"],
        "2020/picked_up": ["invoice"],
        "2020/credited": ["credit_note", "invoice"],
        "2021/shipped": ["invoice"],
        "2021/picked_up": ["invoice"],
        "2021/credited": ["credit_note", "invoice"],
    }
    assert since(left, 2022) == since(built, 2022)

    # 1 January 2026, 00:01 in Oslo: the invoices of 2020 and the credit notes of 2020 are past.
    run_retention(oslo(2026, 1, 1, 0, 1))
    assert anonymised(history) == old_without_invoice | {
        "2019/shipped",
        "2019/picked_up",
        "2019/credited",
        "2020/shipped",
        "2020/picked_up",
    }
    left = documents_by_order(history)
    assert until(left, 2021) == {
        "2020/credited": ["credit_note", "invoice"],  # credited in 2021: kept with its note
        "2021/shipped": ["invoice"],
        "2021/picked_up": ["invoice"],
        "2021/credited": ["credit_note", "invoice"],
    }
    assert since(left, 2022) == since(built, 2022)

    for label, order_id in orders.items():
        order = db.session.get(Order, order_id)
        if label in anonymised(history):
            assert (order.customer_id, order.name, order.email) == (None, "", "")
        else:
            assert (order.customer_id, order.name) == (history["customer"], "Kari Nordmann")
    notes = dict(db.session.execute(sa.select(Shipment.id, Shipment.note)).all())
    shipped = dict(db.session.execute(sa.select(Shipment.id, Shipment.shipped_at)).all())
    assert {notes[i] for i in notes if shipped[i] < oslo(2022, 1, 1, 0)} == {""}
    assert {notes[i] for i in notes if shipped[i] >= oslo(2022, 1, 1, 0)} == {NOTE}


def test_an_anonymised_order_keeps_its_lines_amounts_and_dates_but_not_the_buyer(db, clock):
    customer = make_customer(customer_type="business")
    clock(oslo(2019, 3, 15))
    order = make_order(customer, {make_product(price_ore=250_000): 1}, delivery_method="delivery")
    order.status = CANCELLED
    db.session.commit()
    before = (order.number, order.placed_at, order.total_ore, order.vat_ore, order.status)
    lines_before = [
        (line.sku, line.title, line.quantity, line.unit_price_ore) for line in order.lines
    ]

    run_retention(oslo(2023, 7, 1))

    order = db.session.get(Order, order.id)
    assert (order.number, order.placed_at, order.total_ore, order.vat_ore, order.status) == before
    assert [
        (ln.sku, ln.title, ln.quantity, ln.unit_price_ore) for ln in order.lines
    ] == lines_before
    assert order.anonymised_at == oslo(2023, 7, 1)
    assert order.customer_id is None
    buyer = (order.name, order.email, order.phone, order.street, order.postcode, order.city)
    assert buyer == ("", "", "", "", "", "")
    assert (order.company_name, order.org_number) == (None, None)
    assert (order.delivery_street, order.delivery_postcode, order.delivery_city) == (None,) * 3
    assert db.session.get(User, customer.id) is not None  # the customer stays a customer


def test_secondary_documents_are_kept_through_30_june_and_anonymised_on_1_july_of_year_plus_4(
    db, clock
):
    customer = make_customer(email_verified_at=oslo(2019, 1, 1))
    staff = make_user(role="staff")
    category = make_category()
    cancelled = place(clock, customer, category, 2020, "cancelled")
    side = add_correspondence(clock, customer, staff, category, 2020)
    db.session.commit()

    run_retention(oslo(2024, 6, 30, 23, 59))
    assert db.session.get(Order, cancelled.id).anonymised_at is None
    assert documents_by_order({"orders": {"order": cancelled.id}}) == {
        "order": ["order_confirmation"]
    }
    assert db.session.get(Quote, side["quote"]).customer_id == customer.id
    assert db.session.get(Case, side["case"]).subject == "Riper i bordplaten"
    assert db.session.get(CreditNotice, side["notice"]).customer_id == customer.id

    run_retention(oslo(2024, 7, 1, 0, 1))
    assert db.session.get(Order, cancelled.id).anonymised_at is not None
    assert documents_by_order({"orders": {"order": cancelled.id}}) == {}
    quote = db.session.get(Quote, side["quote"])
    assert (quote.customer_id, quote.message, quote.status) == (None, "", "requested")
    assert len(quote.lines) == 1
    notice = db.session.get(CreditNotice, side["notice"])
    assert (notice.customer_id, notice.reason, notice.amount_ore) == (None, "", 50_000)
    case = db.session.get(Case, side["case"])
    assert (case.customer_id, case.subject, case.status) == (None, "", "closed")
    messages = [(m.body, m.from_staff, m.author_id) for m in case.messages]
    assert messages == [("", False, None), ("", True, staff.id)]


def test_the_financial_year_of_a_document_follows_the_oslo_calendar(db, clock):
    customer = make_customer(email_verified_at=oslo(2019, 1, 1))
    category = make_category()
    invoices = {}
    for label, issued in (
        ("new_years_eve", oslo(2020, 12, 31, 23, 30)),  # 22:30 UTC, financial year 2020
        ("new_years_day", oslo(2021, 1, 1, 0, 30)),  # 23:30 UTC on 31.12: financial year 2021
    ):
        clock(issued - timedelta(days=1))
        order = make_order(customer, {make_product(category=category): 1})
        record_shipment(order, {order.lines[0].id: 1})
        clock(issued)
        invoices[label] = issue_invoice(order).id
    db.session.commit()

    run_retention(oslo(2026, 1, 1, 0, 1))

    assert db.session.get(IssuedDocument, invoices["new_years_eve"]) is None
    assert db.session.get(IssuedDocument, invoices["new_years_day"]) is not None


def test_deleting_an_issued_invoice_outside_the_retention_job_still_raises(db, clock):
    customer = make_customer()
    clock(oslo(2018, 3, 1))
    order = make_order(customer)
    record_shipment(order, {order.lines[0].id: 1})
    invoice = issue_invoice(order)
    db.session.commit()

    db.session.delete(invoice)  # its retention ended on 31.12.2023, but the ORM still refuses
    with pytest.raises(ImmutableDocument):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(IssuedDocument, invoice.id) is not None


def test_cases_go_by_their_last_activity_whatever_their_status(db, clock):
    customer = make_customer()
    staff = make_user(role="staff")
    clock(oslo(2019, 11, 1))
    still_talking = make_case(customer, subject="Garanti", body="Stolen knirker")
    silent = make_case(customer, subject="Levering", body="Når kommer bordet?")
    clock(oslo(2021, 2, 1))
    add_message(still_talking, staff, "Vi ser på det.", from_staff=True)
    db.session.commit()

    run_retention(oslo(2024, 7, 1))  # 2020 and before are past the secondary rule

    assert db.session.get(Case, still_talking.id).subject == "Garanti"
    silent = db.session.get(Case, silent.id)
    assert (silent.subject, silent.customer_id, silent.status) == ("", None, "open")
    assert [m.body for m in silent.messages] == [""]


# ---------- Housekeeping ----------


def test_unverified_accounts_go_after_30_days_unless_they_own_what_the_shop_keeps(db, clock):
    now = oslo(2026, 1, 15)
    old = now - timedelta(days=30, minutes=1)

    def unverified(**fields):
        return make_customer(created_at=fields.pop("created_at", old), **fields)

    abandoned = unverified()
    consent = make_consent_record(user=abandoned, channel="registration")
    db.session.add(Subscription(user_id=abandoned.id, status="pending", source="registration"))
    verification = MailMessage(
        kind="account_verification",
        recipient=abandoned.email,
        subject="Bekreft e-postadressen",
        text_body="Hei",
        message_id="<verify@test>",
        status="sent",
        sent_at=old,
    )
    db.session.add(verification)
    kept = {
        "thirty_days_exactly": unverified(created_at=now - timedelta(days=30)),
        "verified": unverified(email_verified_at=old),
        "without_password": unverified(password=None),  # a guest, or registered by staff
        "with_order": unverified(),
        "with_case": unverified(),
        "with_misuse": unverified(),
        "staff": make_user(role="staff", created_at=old),
    }
    clock(old)
    make_order(kept["with_order"])
    make_case(kept["with_case"])
    db.session.add(
        MisuseIncident(
            user_id=kept["with_misuse"].id, status="suspected", occurred_on=date(2025, 12, 1)
        )
    )
    db.session.commit()
    abandoned_id, abandoned_email, consent_id = abandoned.id, abandoned.email, consent.id

    counts = run_retention(now)

    assert counts["unverified_accounts"] == 1
    assert db.session.get(User, abandoned_id) is None
    assert (
        db.session.scalars(
            sa.select(MailMessage).where(MailMessage.recipient == abandoned_email)
        ).all()
        == []
    )
    assert db.session.scalars(sa.select(Subscription)).all() == []
    assert db.session.get(ConsentRecord, consent_id).user_id is None  # the proof stays, detached
    for name, user in kept.items():
        assert db.session.get(User, user.id) is not None, name


def mail(recipient: str, sent_at: datetime | None, status: str = "sent", **fields) -> MailMessage:
    message = MailMessage(
        kind="invoice",
        recipient=recipient,
        subject="Faktura 10001",
        text_body="Hei Kari, her er fakturaen.",
        message_id=f"<{recipient}.{status}.{sent_at and sent_at.timestamp()}@test>",
        status=status,
        sent_at=sent_at,
        created_at=sent_at or oslo(2020, 1, 1),
        attachments=[
            MailAttachment(filename="f.pdf", content_type="application/pdf", content=b"x")
        ],
        **fields,
    )
    db.session.add(message)
    return message


def test_sent_mail_and_its_attachments_go_after_90_days_and_unsent_mail_stays(db):
    now = oslo(2026, 1, 15)
    gone = mail("a@example.no", now - timedelta(days=90, minutes=1))
    kept = [
        mail("b@example.no", now - timedelta(days=90)),
        mail("c@example.no", None, status="queued"),
        mail("d@example.no", None, status="failed", last_error="550"),
    ]
    db.session.commit()
    gone_id = gone.id

    counts = run_retention(now)

    assert (counts["mail"], counts["mail_attachments"]) == (1, 1)
    assert db.session.get(MailMessage, gone_id) is None
    assert all(db.session.get(MailMessage, message.id) for message in kept)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailAttachment)) == 3


def test_mail_files_of_the_file_transport_past_retention_are_found(tmp_path):
    now = oslo(2026, 1, 15)
    for name in (
        "20251016T105959Z-a_test.eml",  # 91 days old
        "20251017T120000Z-b_test.eml",  # 90 days old
        "notes.txt",
        "20200101T000000Z-c_test.part",
    ):
        (tmp_path / name).write_text("x")
    cutoffs = Cutoffs.at(now, periods_from(current_app.config))
    assert old_mail_files(tmp_path, cutoffs) == [tmp_path / "20251016T105959Z-a_test.eml"]
    assert old_mail_files(tmp_path / "missing", cutoffs) == []


def click_event(at: datetime) -> dict:
    return {
        "at": at,
        "type": "page_view",
        "path": "/",
        "device": "computer",
        "ip_prefix": "192.0.0.0",
        "visitor_id": "f" * 32,
        "visit_id": "a" * 32,
    }


def test_raw_clickstream_goes_after_its_retention(db):
    now = oslo(2026, 1, 15)
    db.session.execute(
        sa.insert(ClickEvent),
        [click_event(now - timedelta(days=180, minutes=1)), click_event(now - timedelta(days=179))],
    )
    db.session.commit()

    assert run_retention(now)["click_events"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClickEvent)) == 1


@pytest.mark.parametrize(
    ("model", "fields", "last_day_kept"),
    [
        (
            MisuseIncident,
            {"status": "confirmed", "occurred_on": date(2021, 3, 12)},
            date(2025, 3, 12),
        ),
        (
            DebtSale,
            {"sold_on": date(2022, 3, 12), "buyer": "Inkasso AS", "amount_ore": 1},
            date(2025, 3, 12),
        ),
        (
            CreditDecision,
            {"decided_on": date(2024, 11, 30), "outcome": "rejected"},
            date(2025, 2, 28),
        ),
        (
            CreditDecision,
            {"decided_on": date(2024, 11, 30), "outcome": "approved"},
            date(2025, 2, 28),
        ),
    ],
)
def test_erasure_facts_are_kept_through_the_last_day_they_block_and_deleted_the_day_after(
    db, model, fields, last_day_kept
):
    customer = make_customer()
    fact = model(user_id=customer.id, **fields)
    db.session.add(fact)
    db.session.commit()
    fact_id = fact.id

    run_retention(oslo(last_day_kept.year, last_day_kept.month, last_day_kept.day, 23, 59))
    assert db.session.get(model, fact_id) is not None
    next_day = last_day_kept + timedelta(days=1)
    run_retention(oslo(next_day.year, next_day.month, next_day.day, 0, 1))
    assert db.session.get(model, fact_id) is None


def test_a_debt_sale_of_a_deceased_customer_goes_after_one_year(db):
    customer = make_customer(deceased_on=date(2024, 1, 5))
    sale = DebtSale(
        user_id=customer.id, sold_on=date(2024, 2, 29), buyer="Inkasso AS", amount_ore=1
    )
    db.session.add(sale)
    db.session.commit()
    sale_id = sale.id

    run_retention(oslo(2025, 2, 28, 23, 59))  # 29.2.2024 + 1 year = 28.2.2025: still blocks
    assert db.session.get(DebtSale, sale_id) is not None
    run_retention(oslo(2025, 3, 1, 0, 1))
    assert db.session.get(DebtSale, sale_id) is None


def test_no_table_keeps_a_token_or_an_export_so_there_is_nothing_of_them_to_purge(db):
    stored = {
        (table.name, column.name)
        for table in db.metadata.tables.values()
        for column in table.columns
        if "token" in column.name or "export" in column.name or "export" in table.name
    }
    # The anonymous cart's key in the visitor's session: a cart, not an e-mailed link.
    assert stored == {("carts", "token")}


# ---------- The whole run ----------

NOW = oslo(2026, 1, 1, 0, 1)


def add_housekeeping_rows(now: datetime) -> None:
    """One row past retention for each housekeeping step, and one just inside it."""
    mail("old@example.no", now - timedelta(days=91))
    mail("new@example.no", now - timedelta(days=1))
    make_customer(created_at=now - timedelta(days=31))
    make_customer(created_at=now - timedelta(days=29))
    db.session.execute(
        sa.insert(ClickEvent),
        [click_event(now - timedelta(days=181)), click_event(now - timedelta(days=1))],
    )
    facts_of = make_customer(email_verified_at=oslo(2019, 1, 1))
    db.session.add_all(
        [
            MisuseIncident(user_id=facts_of.id, status="suspected", occurred_on=date(2021, 1, 1)),
            MisuseIncident(user_id=facts_of.id, status="suspected", occurred_on=date(2025, 1, 1)),
            DebtSale(
                user_id=facts_of.id, sold_on=date(2022, 1, 1), buyer="Inkasso AS", amount_ore=1
            ),
            CreditDecision(user_id=facts_of.id, decided_on=date(2025, 9, 1), outcome="rejected"),
        ]
    )
    make_consent_record(at=now - timedelta(days=5 * 365))  # a visitor's lapsed choice
    make_consent_record(at=now - timedelta(days=30))
    db.session.commit()


def _answer(consent_id: str, at: datetime, *, user=None, granted=(), topic: str = "") -> int:
    """A ledger row: a banner answer, or (with `topic`) an answer in one of the own boxes."""
    if not topic:
        return make_consent_record(user=user, consent_id=consent_id, at=at, granted=granted).id
    record = ConsentRecord(
        consent_id=consent_id,
        action="accept",
        granted=topic,
        refused="",
        policy_version=1,
        text_digest="0" * 64,
        channel="mypage",
        user_id=user.id if user else None,
        at=at,
    )
    db.session.add(record)
    db.session.flush()
    return record.id


def test_consent_proof_goes_three_years_after_the_consent_ended(db):
    kari = make_customer(answered_terms=False)
    replaced_long_ago = _answer("a" * 32, oslo(2019, 5, 1), user=kari)
    replacing = _answer("a" * 32, oslo(2022, 5, 1), user=kari, granted=("statistics",))
    replaced_lately = _answer("a" * 32, oslo(2023, 5, 1), user=kari, granted=("statistics",))
    in_force = _answer("a" * 32, oslo(2025, 6, 1), user=kari)
    newsletter_in_force = _answer("a" * 32, oslo(2018, 1, 1), user=kari, topic="newsletter")
    lapsed_visitor = _answer("b" * 32, oslo(2021, 5, 30))
    visitor_within_four_years = _answer("c" * 32, oslo(2021, 12, 1))
    db.session.commit()

    counts = run_retention(oslo(2025, 6, 2))

    kept = set(db.session.scalars(sa.select(ConsentRecord.id)))
    assert replaced_long_ago not in kept  # replaced in May 2022: over three years ago
    assert lapsed_visitor not in kept  # lapsed May 2022, plus three years
    assert {replacing, replaced_lately, in_force, newsletter_in_force} <= kept
    assert visitor_within_four_years in kept
    assert counts["consent_records"] == 2


def test_a_second_run_changes_nothing(db, history):
    add_housekeeping_rows(NOW)

    first = run_retention(NOW)
    assert {key for key, count in first.items() if count == 0} == set()  # every step had work
    after_first = database_state()
    second = run_retention(NOW)

    assert set(second.values()) == {0}
    assert database_state() == after_first


def test_dry_run_prints_what_a_run_would_do_and_changes_nothing(
    db, history, runner, monkeypatch, tmp_path
):
    add_housekeeping_rows(NOW)
    monkeypatch.setattr("bkm.privacy.retention_cli.utcnow", lambda: NOW)
    monkeypatch.setitem(current_app.config, "MAIL_DIR", str(tmp_path))
    old_file = tmp_path / "20250101T120000Z-old_test.eml"
    old_file.write_text("Hei Kari")
    before = database_state()

    dry = runner.invoke(args=["bkm", "retention", "run", "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert database_state() == before
    assert old_file.exists()
    assert "Prøvekjøring: dette ville blitt gjort, men ingenting er endret." in dry.output
    assert "  Ordrer: 17 ville blitt anonymisert" in dry.output

    real = runner.invoke(args=["bkm", "retention", "run"])

    assert real.exit_code == 0, real.output
    assert not old_file.exists()
    would = [line for line in dry.output.splitlines() if line.startswith("  ") and "ville" in line]
    did = [line.replace("ville blitt ", "") for line in would]
    assert len(would) == 16
    assert all(line in real.output.splitlines() for line in did), real.output
    assert database_state() != before


def test_the_command_shows_progress_and_a_summary_per_kind(db, clock, runner, monkeypatch):
    customer = make_customer()
    order = place(clock, customer, make_category(), 2019, "cancelled")
    db.session.commit()
    monkeypatch.setattr("bkm.privacy.retention_cli.utcnow", lambda: NOW)

    result = runner.invoke(args=["bkm", "retention", "run"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Oppbevaring 01.01.2026")
    assert lines[1:6] == [
        "Oppbevaring utført.",
        "Ute av oppbevaring: fakturaer og kreditnotaer fra 2020 og før; ordrer, "
        "ordrebekreftelser, pakksedler, tilbud, saker og kredittmeldinger fra 2021 og før.",
        "  Ordrer: 1 anonymisert",
        "  Merknader på forsendelser: 0 fjernet",
        "  Fakturaer og kreditnotaer: 0 slettet",
    ]
    assert "  Ordrebekreftelser og pakksedler: 1 slettet" in lines
    assert (
        "  Utløpte lenker: ingen lagres (lenkene i e-post er signerte og tidsbegrensede)" in lines
    )
    assert "  Eksportfiler: ingen lagres (eksporten lages når den lastes ned)" in lines
    assert db.session.get(Order, order.id).anonymised_at == NOW


def test_a_retention_period_below_the_law_stops_the_command_before_it_changes_anything(
    db, clock, runner, monkeypatch
):
    customer = make_customer()
    order = place(clock, customer, make_category(), 2019, "cancelled")
    db.session.commit()
    monkeypatch.setitem(current_app.config, "RETENTION_PRIMARY_YEARS", 4)

    result = runner.invoke(args=["bkm", "retention", "run"])

    assert result.exit_code == 1
    assert "BKM_RETENTION_PRIMARY_YEARS må være et helt tall på minst 5, ikke 4." in result.output
    assert db.session.get(Order, order.id).anonymised_at is None
