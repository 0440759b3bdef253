"""The personal-data ZIP (R9.3 portability, R9.4 access): its files, its format, and that it
holds one customer's data, nobody else's, and never a secret."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bkm.audit.recording import record_view
from bkm.cases.handling import add_message
from bkm.consent.models import Processor
from bkm.extensions import db
from bkm.newsletter.preferences import set_calls
from bkm.newsletter.subscriptions import request_subscription
from bkm.orders.documents import issue_invoice
from bkm.personal.profile import note_product_view
from bkm.privacy.access import request_access
from bkm.privacy.data_map import BY_NAME, TABLES
from bkm.privacy.export import (
    ACCESS,
    PORTABILITY,
    PORTABILITY_CONTEXT,
    build_export,
    export_filename,
    portable_columns,
)
from bkm.privacy.export_format import csv_cell
from bkm.privacy.ownership import owned_rows
from tests.factories import (
    make_cart,
    make_case,
    make_customer,
    make_product,
    make_quote,
    make_shipped_order,
    make_user,
)

OSLO_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$")


def full_customer(staff, *, name: str, email: str, phone: str, asked_for_access: bool = True):
    """A customer with a row in nearly every mapped table: an invoiced order, a case with a
    staff reply, a quote, consents, a newsletter subscription, interests, a sales-call answer,
    a cart, an audit entry and an access request. Needs a request context (mail links)."""
    customer = make_customer(name=name, email=email, phone=phone)
    product = make_product(title=f"Skrivebord for {name}")
    order = make_shipped_order(customer, {product: 1})
    issue_invoice(order, issued_by=staff)
    case = make_case(customer, order=order, subject="Ripe i bordplaten", body=f"Hilsen {name}")
    add_message(case, staff, "Vi sender en ny bordplate.", from_staff=True)
    make_quote(customer, message=f"Kan dere levere til {name}?")
    request_subscription(customer, "mypage")
    set_calls(customer, False, "mypage")
    note_product_view(customer.id, product)
    make_cart(user=customer, lines={make_product(): 1})
    record_view(staff, customer.id, "viewed_customer", f"customer:{customer.id}")
    if asked_for_access:
        request_access(customer)
    db.session.flush()
    return customer


@pytest.fixture
def two_customers(app, db):
    staff = make_user(role="staff", name="Stian Stab")
    with app.test_request_context():
        mine = full_customer(
            staff, name="Kari Eksportsen", email="kari.eksport@example.no", phone="+4741111111"
        )
        theirs = full_customer(
            staff, name="Ola Fremmedsen", email="ola.fremmed@example.no", phone="+4742222222"
        )
    db.session.commit()
    return mine, theirs


def open_zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def table_json(archive: zipfile.ZipFile, name: str) -> dict:
    return json.loads(archive.read(f"{name}.json"))


def table_names(archive: zipfile.ZipFile) -> set[str]:
    return {
        n[: -len(".json")]
        for n in archive.namelist()
        if "/" not in n and n != "format.json" and n.endswith(".json")
    }


def all_text(archive: zipfile.ZipFile) -> str:
    """Every text file of the ZIP (the PDFs' text lives in issued_documents' snapshot)."""
    return "\n".join(
        archive.read(n).decode("utf-8-sig")
        for n in archive.namelist()
        if n.endswith((".json", ".csv", ".txt"))
    )


@pytest.mark.req("R9.3")
@pytest.mark.req("R9.4")
@pytest.mark.parametrize("kind", [PORTABILITY, ACCESS])
def test_zip_holds_format_json_readme_and_a_json_and_csv_file_per_table(two_customers, kind):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, kind))

    names = archive.namelist()
    assert names[:2] == ["format.json", "LES-MEG.txt"]
    described = json.loads(archive.read("format.json"))
    assert described["format"] == "bkm-personopplysninger"
    assert described["version"] == 1
    assert described["kind"] == kind
    assert described["customer_id"] == mine.id
    assert OSLO_OFFSET.match(described["created_at"])
    tables = {t["name"] for t in described["tables"]}
    assert tables == table_names(archive)
    for name in tables:
        assert f"{name}.csv" in names
    assert sorted(described["files"]) == sorted(n for n in names if "/" in n)


@pytest.mark.req("R9.4")
def test_json_parses_and_csv_has_bom_semicolons_and_the_column_names_as_header(two_customers):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, ACCESS))

    for name in table_names(archive):
        document = table_json(archive, name)
        assert document["table"] == name and document["description"] == BY_NAME[name].about
        raw = archive.read(f"{name}.csv")
        assert raw.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == document["columns"], name
        assert len(rows) - 1 == len(document["rows"]), name
        assert all(set(row) == set(document["columns"]) for row in document["rows"])


@pytest.mark.req("R9.4")
def test_every_mapped_table_with_rows_for_the_customer_is_in_the_access_export(two_customers):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, ACCESS))

    exported = table_names(archive)
    for entry in TABLES:  # a table the map gains is covered without changing this test
        count = db.session.scalar(
            select(func.count()).select_from(owned_rows(entry, mine).subquery())
        )
        if count:
            assert entry.name in exported, entry.name
            assert len(table_json(archive, entry.name)["rows"]) == count, entry.name
        else:
            assert entry.name not in exported, entry.name
    # The fixture reaches the side tables the issue names.
    assert {
        "personal_interests",
        "consent_records",
        "cases",
        "case_messages",
        "mail_outbox",
        "mail_attachments",
        "issued_documents",
        "audit_log",
        "privacy_access_requests",
        "newsletter_subscriptions",
        "contact_preferences",
    } <= exported


@pytest.mark.req("R9.3")
@pytest.mark.req("R9.4")
@pytest.mark.parametrize("kind", [PORTABILITY, ACCESS])
def test_export_holds_this_customers_rows_and_nobody_elses(two_customers, kind):
    mine, theirs = two_customers
    archive = open_zip(build_export(mine, kind))

    text = all_text(archive)
    for foreign in ("Fremmedsen", "ola.fremmed", "42222222", str(theirs.email)):
        assert foreign not in text, foreign
    assert "Kari Eksportsen" in text and "kari.eksport@example.no" in text
    (user_row,) = table_json(archive, "users")["rows"]
    assert user_row["id"] == mine.id
    orders = table_json(archive, "orders")["rows"]
    assert {o["email"] for o in orders} == {mine.email}


@pytest.mark.req("R9.4")
def test_secrets_never_leave_the_shop_not_even_in_the_access_export(two_customers):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, ACCESS))

    assert "password_hash" not in table_json(archive, "users")["columns"]
    assert "token" not in table_json(archive, "carts")["columns"]
    text = all_text(archive)
    assert mine.password_hash not in text and "$argon2" not in text
    secret = {(e.name, n) for e in TABLES for n, f in e.personal.items() if f.secret}
    for name in table_names(archive):
        assert not {c for c in table_json(archive, name)["columns"] if (name, c) in secret}


@pytest.mark.req("R9.3")
def test_portability_holds_provided_fields_and_their_context_and_no_derived_data(two_customers):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, PORTABILITY))

    exported = table_names(archive)
    for derived in ("personal_interests", "audit_log", "mail_outbox", "issued_documents"):
        assert derived not in exported
    assert not [n for n in archive.namelist() if n.startswith(("dokumenter/", "vedlegg/"))]
    allowed = portable_columns()
    for name in exported:
        entry = BY_NAME[name]
        columns = table_json(archive, name)["columns"]
        provided = {n for n, f in entry.personal.items() if f.provided}
        assert set(columns) == set(allowed[name]), name
        assert set(columns) <= provided | set(PORTABILITY_CONTEXT.get(name, entry.other)), name
    messages = table_json(archive, "case_messages")["rows"]
    assert [m["body"] for m in messages] == ["Hilsen Kari Eksportsen"]  # not the staff reply
    lines = table_json(archive, "order_lines")["rows"]
    assert [line["title"] for line in lines] == ["Skrivebord for Kari Eksportsen"]
    (quote,) = table_json(archive, "quotes")["rows"]
    assert quote["message"] == "Kan dere levere til Kari Eksportsen?"


@pytest.mark.req("R9.3")
def test_every_table_with_provided_fields_and_rows_is_in_the_portability_copy(two_customers):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, PORTABILITY))

    exported = table_names(archive)
    for entry in TABLES:
        if not any(f.provided for f in entry.personal.values()):
            continue
        if db.session.scalar(select(func.count()).select_from(owned_rows(entry, mine).subquery())):
            assert entry.name in exported, entry.name
    consents = table_json(archive, "consent_records")["rows"]
    assert consents and all(OSLO_OFFSET.match(c["at"]) for c in consents)


@pytest.mark.req("R9.4")
def test_access_export_has_staff_replies_documents_as_pdf_files_and_attachments_once(
    two_customers,
):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, ACCESS))

    bodies = [m["body"] for m in table_json(archive, "case_messages")["rows"]]
    assert bodies == ["Hilsen Kari Eksportsen", "Vi sender en ny bordplate."]
    (invoice,) = table_json(archive, "issued_documents")["rows"]
    assert invoice["pdf"] == f"dokumenter/faktura-{invoice['display_number']}.pdf"
    assert archive.read(invoice["pdf"]).startswith(b"%PDF")
    assert invoice["snapshot"]["buyer"]["name"] == "Kari Eksportsen"
    (attachment,) = table_json(archive, "mail_attachments")["rows"]
    assert attachment["content"] == invoice["pdf"]  # the invoice mail's PDF, stored once
    assert [n for n in archive.namelist() if "/" in n] == [invoice["pdf"]]


@pytest.mark.req("R9.4")
def test_times_are_oslo_with_offset_dates_iso_and_money_integer_ore(two_customers):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, ACCESS))

    (order,) = table_json(archive, "orders")["rows"]
    assert OSLO_OFFSET.match(order["placed_at"])
    assert isinstance(order["total_ore"], int) and order["total_ore"] > 0
    (invoice,) = table_json(archive, "issued_documents")["rows"]
    assert date.fromisoformat(invoice["due_on"])
    csv_text = archive.read("orders.csv").decode("utf-8-sig")
    assert order["placed_at"] in csv_text


@pytest.mark.req("R9.3")
@pytest.mark.req("R9.4")
@pytest.mark.parametrize("kind", [PORTABILITY, ACCESS])
def test_readme_describes_every_file_and_field_in_norwegian(two_customers, kind):
    mine, _ = two_customers
    archive = open_zip(build_export(mine, kind))

    readme = archive.read("LES-MEG.txt").decode("utf-8-sig")
    assert "Personopplysninger fra Brukte Kontormøbler AS" in readme
    for name in table_names(archive):
        heading = f"{name}.json og {name}.csv: {BY_NAME[name].about}"
        assert heading in readme, name
        section = readme.split(heading, 1)[1].split("\n\n", 1)[0]
        for column in table_json(archive, name)["columns"]:
            assert f"- {column}: " in section, f"{name}.{column}"
    assert "Teknisk felt" not in readme  # every column has Norwegian words
    assert "post@bruktekontormobler.no" in readme and "«Personopplysninger»" in readme


@pytest.mark.req("R9.4")
def test_access_readme_gives_purposes_recipients_retention_source_and_rights(two_customers):
    mine, _ = two_customers
    db.session.add(
        Processor(
            name="Driftsleverandøren AS",
            service="Drift av nettbutikken",
            data="Alle kundeopplysninger",
            location="Norge",
            agreement_date=date(2025, 1, 15),
        )
    )
    db.session.add(
        Processor(
            name="Sluttet Leverandør AS",
            service="E-post",
            data="E-postadresser",
            location="EU/EØS",
            agreement_date=date(2024, 1, 1),
            ended_on=date(2025, 1, 1),
        )
    )
    db.session.commit()

    readme = open_zip(build_export(mine, ACCESS)).read("LES-MEG.txt").decode("utf-8-sig")
    for heading in (
        "Formål og rettslig grunnlag",
        "Hvem som får opplysningene",
        "Hvor lenge vi lagrer opplysningene",
        "Hvor opplysningene kommer fra",
        "Dine rettigheter",
    ):
        assert f"{heading}\n{'-' * len(heading)}" in readme
    assert "Driftsleverandøren AS: Drift av nettbutikken" in readme
    assert "Sluttet Leverandør AS" not in readme  # the register in force only
    assert "Samtykke, som kan trekkes tilbake" in readme  # a legal basis from the map
    assert "bokføringsloven § 13" in readme  # a retention rule from the map
    assert "Du opprettet kontoen selv i nettbutikken." in readme
    assert "Datatilsynet" in readme and "Min side" in readme

    portability = open_zip(build_export(mine, PORTABILITY)).read("LES-MEG.txt").decode("utf-8-sig")
    assert "Hvem som får opplysningene" not in portability


def test_csv_cells_defuse_formulas_but_keep_phone_numbers_and_write_yes_no_in_norwegian():
    assert csv_cell("=SUM(A1)") == "'=SUM(A1)"
    assert csv_cell("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert csv_cell("-2+3") == "'-2+3"
    assert csv_cell("+4741111111") == "+4741111111"  # a phone number runs nothing
    assert csv_cell(True) == "ja" and csv_cell(False) == "nei"
    assert csv_cell(None) == ""
    assert csv_cell({"b": 1, "a": "æ"}) == '{"a": "æ", "b": 1}'


def test_export_file_names_carry_the_oslo_date_and_the_kind():
    assert export_filename(PORTABILITY, date(2026, 11, 25)) == (
        "mine-data-bruktekontormobler-2026-11-25.zip"
    )
    assert export_filename(ACCESS, date(2026, 11, 25)) == "innsyn-bruktekontormobler-2026-11-25.zip"


def test_a_customer_with_nothing_but_an_account_gets_their_account_and_consents(db):
    lone = make_customer(name="Eva Enslig", password=None)
    db.session.commit()
    archive = open_zip(build_export(lone, ACCESS, now=datetime(2026, 7, 1, 10, tzinfo=UTC)))

    assert table_names(archive) == {"users"}
    assert json.loads(archive.read("format.json"))["created_at"] == "2026-07-01T12:00:00+02:00"
