"""Erasure (R3.10, R9.5): everything about the customer goes except the bookkeeping documents,
nobody else's data changes, and staff still open the invoice and its order."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app
from sqlalchemy import select

from bkm.accounts.models import User
from bkm.audit.recording import record_view
from bkm.cases.handling import CaseError, add_message, close_case, find_case
from bkm.clock import oslo_today
from bkm.consent.models import ConsentRecord
from bkm.extensions import db as _db
from bkm.mail.models import MailMessage
from bkm.newsletter.models import Newsletter, NewsletterRecipient
from bkm.newsletter.preferences import set_calls, set_catalogues
from bkm.newsletter.subscriptions import request_subscription
from bkm.orders.cancelling import cancel_order
from bkm.orders.confirmation import queue_order_confirmation
from bkm.orders.credit_notices import register_credit_notice
from bkm.orders.document_models import IssuedDocument
from bkm.orders.documents import (
    issue_credit_note,
    issue_invoice,
    issue_order_confirmation,
    issue_packing_slip,
    mark_invoice_paid,
)
from bkm.orders.models import Order
from bkm.orders.quotes import QuoteError, issue_quote, withdraw_quote
from bkm.personal.profile import note_purchase
from bkm.privacy.data_map import BY_NAME, TABLES
from bkm.privacy.erasure import ErasureRefused, erase, erasure_plan, kept_documents
from bkm.privacy.models import AccessRequest, CreditDecision, DebtSale, MisuseIncident
from bkm.privacy.ownership import owned_rows
from tests.factories import (
    audit_rows,
    make_cart,
    make_case,
    make_customer,
    make_hold,
    make_order,
    make_product,
    make_quote,
    make_user,
    ship_all,
)


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    order_email: str  # typed at checkout for one order: mails about it went there
    phone: str
    street: str

    @property
    def needles(self) -> tuple[str, ...]:
        return (
            self.name,
            self.name.split()[0],
            self.email,
            self.order_email,
            self.phone,
            self.phone[3:],  # the national number, as people write it
            self.street,
        )


SOLVI = Identity(
    "Sølvi Slettesen", "solvi.slettesen@example.no", "solvi.jobb@example.no", "+4799887766",
    "Slettevegen 17",
)  # fmt: skip
TORE = Identity(
    "Tore Tilskuer", "tore.tilskuer@example.no", "tore.jobb@example.no", "+4798765432",
    "Tilskuergata 3",
)  # fmt: skip


def make_full_customer(who: Identity, staff: User) -> dict:
    """A customer with a row in every kind of table erasure touches; returns what was made."""
    customer = make_customer(name=who.name, email=who.email, phone=who.phone, street=who.street)
    with current_app.test_request_context():  # links in mails
        request_subscription(customer, "mypage")
        set_calls(customer, True, "mypage")
        set_catalogues(customer, False, "mypage")
        product = make_product(stock_quantity=5)
        cart = make_cart(user=customer, lines={product: 1})
        make_hold(cart, product)
        order = make_order(
            customer, delivery_method="delivery", delivery_street=who.street, delivery_city="Hamar"
        )
        queue_order_confirmation(order, order_url=None)
        issue_order_confirmation(order)
        shipment = ship_all(order, method="Bring")
        shipment.note = f"Ring {who.phone} før levering"
        issue_packing_slip(shipment)
        invoice = issue_invoice(order)
        mark_invoice_paid(invoice, staff)
        note_purchase(customer.id, [product])
        other_address = make_order(customer, email=who.order_email)
        queue_order_confirmation(other_address, order_url=None)
        cancel_order(other_address)
        case = make_case(customer, order=order, subject=f"Riper – {who.name}", body=who.street)
        add_message(
            case, staff, f"Hei {who.name.split()[0]}, vi ringer {who.phone}.", from_staff=True
        )
        close_case(case, staff)
        quote = make_quote(customer, message=f"Kan dere levere til {who.street}?")
        withdraw_quote(quote)
        notice = register_credit_notice(
            customer, 10_000, f"Kompensasjon til {who.name}", created_by=staff, order=order
        )
    newsletter = Newsletter(subject="Vårnytt", intro="Nye stoler", status="sent")
    _db.session.add(newsletter)
    _db.session.flush()
    _db.session.add(NewsletterRecipient(newsletter_id=newsletter.id, user_id=customer.id))
    _db.session.add(AccessRequest(user_id=customer.id, channel="min_side", due_on=oslo_today()))
    long_ago = date(2015, 1, 1)
    _db.session.add_all(
        [
            MisuseIncident(
                user_id=customer.id,
                status="suspected",
                occurred_on=long_ago,
                description=f"{who.name} brukte et stjålet kort",
            ),
            DebtSale(user_id=customer.id, sold_on=long_ago, buyer="Inkasso AS", amount_ore=500),
            CreditDecision(user_id=customer.id, decided_on=long_ago, outcome="approved"),
        ]
    )
    record_view(staff, customer.id, "viewed_customer", f"customer:{customer.id}")
    _db.session.flush()
    return {
        "customer": customer,
        "order": order,
        "invoice": invoice,
        "case": case,
        "quote": quote,
        "notice": notice,
        "other_order": other_address,
    }


def scan_for(needles) -> set[tuple[str, str]]:
    """(table, column) of every text, JSON or binary value in the database holding a needle."""
    found = set()
    for table in _db.metadata.sorted_tables:
        columns = [
            c for c in table.columns if isinstance(c.type, (sa.String, sa.JSON, sa.LargeBinary))
        ]
        if not columns:
            continue
        for row in _db.session.execute(select(*columns)).mappings():
            for column in columns:
                value = row[column.name]
                if value is None:
                    continue
                if isinstance(value, bytes):
                    text = value.decode("utf-8", errors="replace")
                elif isinstance(value, str):
                    text = value
                else:
                    text = json.dumps(value, ensure_ascii=False)
                if any(needle in text for needle in needles):
                    found.add((table.name, column.name))
    return found


def mine(user) -> dict[str, list[dict]]:
    """Every mapped row belonging to `user`, per table, read fresh."""
    _db.session.expire_all()
    return {
        entry.name: [dict(r) for r in _db.session.execute(owned_rows(entry, user)).mappings()]
        for entry in TABLES
    }


@pytest.fixture
def solvi(db, staff):
    made = make_full_customer(SOLVI, staff)
    db.session.commit()
    return made


# ---------- The whole customer ----------


@pytest.mark.req("R3.10")
@pytest.mark.req("R9.5")
def test_erasure_leaves_the_customer_only_in_issued_documents_and_the_confirmation(
    db, solvi, staff
):
    customer = solvi["customer"]
    assert scan_for(SOLVI.needles) >= {
        ("users", "name"),
        ("orders", "email"),
        ("mail_outbox", "recipient"),
    }

    receipt = erase(customer, confirmed_by=customer)
    db.session.commit()

    confirmation = db.session.scalars(select(MailMessage)).all()
    confirmation = [m for m in confirmation if m.kind == "erasure_confirmation"]
    assert len(confirmation) == 1
    mail = confirmation[0]
    assert mail.recipient == SOLVI.email
    assert not any(n in mail.text_body + mail.html_body for n in SOLVI.needles)
    assert solvi["invoice"].display_number in mail.text_body
    leftovers = scan_for(SOLVI.needles)
    assert leftovers == {
        ("issued_documents", "snapshot"),  # bookkeeping (R3.10): the buyer on the document
        ("mail_outbox", "recipient"),  # the confirmation, until the mail retention
    }, leftovers
    recipients = db.session.scalars(
        select(MailMessage.recipient).where(MailMessage.recipient.in_(SOLVI.needles))
    ).all()
    assert recipients == [SOLVI.email]
    assert {d.display_number for d in receipt.kept} == {
        d.display_number
        for d in db.session.scalars(
            select(IssuedDocument).where(
                IssuedDocument.order_id.in_([solvi["order"].id, solvi["other_order"].id])
            )
        )
    }


@pytest.mark.req("R3.10")
def test_erasure_keeps_the_invoice_and_detaches_its_order(db, solvi):
    customer_id = solvi["customer"].id
    order_id, invoice_id = solvi["order"].id, solvi["invoice"].id
    pdf = solvi["invoice"].pdf
    erase(solvi["customer"], confirmed_by=solvi["customer"])
    db.session.commit()

    assert db.session.get(User, customer_id) is None
    invoice = db.session.get(IssuedDocument, invoice_id)
    assert invoice is not None and invoice.pdf == pdf and invoice.paid_at is not None
    order = db.session.get(Order, order_id)
    assert order.customer_id is None
    assert order.anonymised_at is not None
    assert (order.name, order.email, order.phone, order.street) == ("", "", "", "")
    assert order.lines and order.total_ore > 0  # what the books need stays
    assert order.number == solvi["order"].number


@pytest.mark.req("R3.10")
def test_erasure_cuts_every_link_to_the_customer_and_deletes_the_rest(db, solvi):
    customer = solvi["customer"]
    before = mine(customer)
    erase(customer, confirmed_by=customer)
    db.session.commit()
    ghost = User(id=customer.id, email=SOLVI.email)  # who the rows belonged to
    after = mine(ghost)
    assert {name for name, rows in before.items() if rows} >= {
        e.name for e in TABLES if e.name not in ("order_deliveries",)
    }, "the fixture should have a row in (almost) every mapped table"
    assert {name: rows for name, rows in after.items() if rows} == {
        "mail_outbox": after["mail_outbox"],  # the confirmation
    }
    assert len(after["mail_outbox"]) == 1
    consents = db.session.scalars(select(ConsentRecord)).all()
    assert consents and all(record.user_id is None for record in consents)
    assert db.session.scalars(select(AccessRequest)).one().user_id is None


@pytest.mark.req("R3.10")
def test_erasure_changes_nothing_of_another_customer(db, solvi, staff):
    tore = make_full_customer(TORE, staff)["customer"]
    db.session.commit()
    before = mine(tore)
    erase(solvi["customer"], confirmed_by=solvi["customer"])
    db.session.commit()
    after = mine(tore)
    assert after == before


@pytest.mark.req("R3.10")
def test_erasure_keeps_mail_to_an_address_that_is_another_accounts(db, staff):
    tore = make_customer(email="tore@example.no")
    solvi = make_customer(email="solvi@example.no")
    order = make_order(solvi, email="tore@example.no")  # typed Tore's address at checkout
    queue_order_confirmation(order, order_url=None)
    ship_all(order)
    mark_invoice_paid(issue_invoice(order), staff)
    db.session.commit()
    erase(solvi, confirmed_by=solvi)
    db.session.commit()
    to_tore = db.session.scalars(
        select(MailMessage).where(MailMessage.recipient == "tore@example.no")
    ).all()
    assert {m.kind for m in to_tore} == {"order_confirmation", "invoice"}
    assert db.session.get(User, tore.id) is not None


def test_erasure_records_who_did_it_without_personal_data(db, solvi, staff):
    erase(solvi["customer"], confirmed_by=staff, reason="Sletting etter forespørsel på telefon")
    db.session.commit()
    done = [row for row in audit_rows() if row.target == "erased"]
    assert len(done) == 1
    assert (done[0].actor_id, done[0].actor_role, done[0].subject_user_id) == (
        staff.id,
        "staff",
        None,
    )
    assert done[0].reason == "Sletting etter forespørsel på telefon"


# ---------- Refusals ----------


@pytest.mark.req("R9.5")
def test_erasure_is_refused_with_the_reasons_and_changes_nothing(db, solvi):
    customer = solvi["customer"]
    open_order = make_order(customer)
    db.session.commit()
    before = mine(customer)
    with pytest.raises(ErasureRefused) as refused:
        erase(customer, confirmed_by=customer)
    db.session.rollback()
    assert [reason.code for reason in refused.value.reasons] == ["open_order"]
    assert open_order.number in refused.value.reasons[0].explanation
    assert mine(customer) == before


@pytest.mark.req("R9.5")
def test_erasure_follows_the_date_given_for_a_fact(db):
    customer = make_customer()
    db.session.add(
        MisuseIncident(user_id=customer.id, status="confirmed", occurred_on=date(2021, 3, 12))
    )
    db.session.commit()
    with pytest.raises(ErasureRefused):
        erase(customer, confirmed_by=customer, today=date(2025, 3, 12))
    db.session.rollback()
    erase(customer, confirmed_by=customer, today=date(2025, 3, 13))
    db.session.commit()
    assert db.session.scalars(select(MisuseIncident)).all() == []


@pytest.mark.req("R9.5")
def test_erasure_waits_for_a_case_being_opened_at_that_moment_and_then_refuses(app, db):
    customer_id = make_customer().id
    db.session.commit()
    opened, release = threading.Event(), threading.Event()
    outcome: list = []

    def opener() -> None:
        with app.app_context():  # its own session and connection
            make_case(db.session.get(User, customer_id))  # inserted, not yet committed
            opened.set()
            release.wait(timeout=30)
            db.session.commit()

    def eraser() -> None:
        with app.app_context():
            person = db.session.get(User, customer_id)
            try:
                erase(person, confirmed_by=person)
                db.session.commit()
                outcome.append("erased")
            except ErasureRefused as refused:
                db.session.rollback()
                outcome.append([reason.code for reason in refused.reasons])

    first = threading.Thread(target=opener)
    first.start()
    assert opened.wait(timeout=30)
    second = threading.Thread(target=eraser)
    second.start()
    second.join(timeout=1)
    waited = second.is_alive()  # the erasure waits for the case's transaction
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert waited
    assert outcome == [["ongoing_case"]]
    assert db.session.get(User, customer_id) is not None


def test_only_customers_are_erased(db, staff):
    with pytest.raises(ValueError):
        erase(staff, confirmed_by=staff)


# ---------- The map drives it ----------


@pytest.mark.parametrize(
    "entry", [e for e in TABLES if e.on_erasure == "detach"], ids=lambda e: e.name
)
def test_detached_tables_lose_their_link_through_on_delete_set_null(entry):
    column = _db.metadata.tables[entry.name].c[entry.owner.column]
    (foreign_key,) = column.foreign_keys
    assert foreign_key.column.table.name == "users"
    assert foreign_key.ondelete == "SET NULL"
    assert column.nullable


@pytest.mark.parametrize(
    "entry", [e for e in TABLES if e.on_erasure == "anonymise"], ids=lambda e: e.name
)
def test_anonymised_tables_can_lose_their_link(entry):
    column = _db.metadata.tables[entry.name].c[entry.owner.column]
    assert entry.owner.via or column.nullable


def test_plan_and_kept_documents_describe_what_erasure_will_do(db, solvi):
    plan = {item.about: item for item in erasure_plan(solvi["customer"])}
    assert plan[BY_NAME["users"].about].action == "slettes"
    assert plan[BY_NAME["orders"].about].rows == 2
    assert plan[BY_NAME["issued_documents"].about].on_erasure == "keep"
    kept = kept_documents(solvi["customer"])
    invoice = next(d for d in kept if d.kind == "invoice")
    assert invoice.retain_until == date(invoice.issued_on.year + 5, 12, 31)
    assert invoice.title == "Faktura"


# ---------- Staff still open what stays ----------


@pytest.mark.req("R3.10")
def test_staff_open_the_invoice_order_case_and_quote_after_erasure(
    db, client, login_as, solvi, staff
):
    erase(solvi["customer"], confirmed_by=solvi["customer"])
    db.session.commit()
    login_as(staff)
    order, invoice = solvi["order"], solvi["invoice"]
    page = client.get(f"/admin/ordrer/{order.number}")
    assert page.status_code == 200
    assert 'data-testid="erased-customer"' in page.get_data(as_text=True)
    assert 'data-testid="credit-notice-form"' not in page.get_data(as_text=True)
    pdf = client.get(f"/admin/ordrer/{order.number}/dokument/{invoice.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert client.get("/admin/ordrer").status_code == 200
    cases = client.get("/admin/saker?vis=alle")
    assert cases.status_code == 200 and solvi["case"].number in cases.get_data(as_text=True)
    case_page = client.get(f"/admin/saker/{solvi['case'].number}")
    assert case_page.status_code == 200 and "Slettet kunde" in case_page.get_data(as_text=True)
    assert client.get("/admin/tilbud").status_code == 200
    quote_page = client.get(f"/admin/tilbud/{solvi['quote'].number}")
    assert quote_page.status_code == 200 and "Slettet kunde" in quote_page.get_data(as_text=True)


def test_credit_note_after_erasure_is_issued_without_mail(db, solvi, staff):
    invoice_id = solvi["invoice"].id
    erase(solvi["customer"], confirmed_by=solvi["customer"])
    db.session.commit()
    invoice = db.session.get(IssuedDocument, invoice_id)
    mails = db.session.scalar(select(sa.func.count()).select_from(MailMessage))
    note = issue_credit_note(invoice, reason="Reklamasjon etter sletting", issued_by=staff)
    db.session.commit()
    assert note.total_ore < 0
    assert db.session.scalar(select(sa.func.count()).select_from(MailMessage)) == mails


def test_requested_quote_of_an_erased_customer_cannot_be_issued(db, staff):
    customer = make_customer()
    quote = make_quote(customer)
    db.session.commit()
    erase(customer, confirmed_by=customer)
    db.session.commit()
    quote = db.session.merge(quote)
    with pytest.raises(QuoteError, match="Kunden er slettet"):
        issue_quote(
            quote,
            {line.id: 100 for line in quote.lines},
            oslo_today() + timedelta(days=7),
            issued_by=staff,
            quote_url="http://localhost/",
        )


def test_staff_cannot_add_a_message_to_a_case_of_an_erased_customer(db, staff):
    customer = make_customer()
    case = make_case(customer)
    close_case(case)
    db.session.commit()
    erase(customer, confirmed_by=customer)
    db.session.commit()
    case = find_case(case.number)
    case.status = "open"  # even if it were open again
    with pytest.raises(CaseError, match="Kunden er slettet"):
        add_message(case, staff, "Hallo?", from_staff=True)


def test_a_customer_without_anything_is_erased(db):
    customer = make_customer(password=None, registration_channel="checkout", answered_terms=False)
    customer_id = customer.id
    db.session.commit()
    receipt = erase(customer, confirmed_by=make_user(role="staff"))
    db.session.commit()
    assert receipt.kept == []
    assert receipt.rows["users"] == 1
    assert db.session.get(User, customer_id) is None
