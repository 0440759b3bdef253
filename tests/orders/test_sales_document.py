"""Sales-document snapshots: sums, MVA per rate, the margin scheme, credit notes, validation."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from bkm.orders.kid import make_kid
from bkm.orders.sales_document import (
    MARGIN_SCHEME_TEXT,
    PLACEHOLDER_BANK_ACCOUNT,
    SHOP,
    DocumentKind,
    DocumentLine,
    Party,
    SalesDocument,
    VatGroup,
    VatScheme,
)

ISSUED = date(2026, 11, 24)
BUYER = Party("Kari Kunde", "Storgata 1", "2408", "Elverum", email="kari@example.no")


def line(**overrides) -> DocumentLine:
    values = {
        "description": "Kontorstol Håg H05",
        "sku": "HAG-05-1",
        "condition": "Pent brukt",
        "quantity": 1,
        "unit_price_ore": 100_000,
    }
    return DocumentLine(**{**values, **overrides})


def document(kind: str = "invoice", lines=None, **overrides) -> SalesDocument:
    values = {
        "kind": kind,
        "number": "10023",
        "issued_on": ISSUED,
        "buyer": BUYER,
        "lines": [line()] if lines is None else lines,
        "delivery_on": date(2026, 11, 23),
        "delivery_place": "Storgata 1, 2408 Elverum",
    }
    if kind == "invoice":
        values |= {"due_on": date(2026, 12, 8), "kid": make_kid(10023)}
    if kind == "credit_note":
        values |= {"number": "50001", "credits_number": "10023"}
    return SalesDocument(**{**values, **overrides})


def test_kinds_have_norwegian_titles():
    assert [kind.title for kind in DocumentKind] == [
        "Ordrebekreftelse",
        "Pakkseddel / leveringsinformasjon",
        "Faktura",
        "Kreditnota",
    ]
    assert not DocumentKind.PACKING_SLIP.shows_prices
    assert DocumentKind("invoice") is DocumentKind.INVOICE


def test_the_seller_is_the_shop_with_its_register_lines():
    doc = document()
    assert doc.seller == SHOP
    assert SHOP.name == "Brukte Kontormøbler AS"
    assert SHOP.org_line == "Org.nr 974 408 597 MVA"
    assert SHOP.in_foretaksregisteret
    assert SHOP.address_lines == ("Svartbekkvegen 50", "2411 Elverum")


def test_a_business_buyer_has_an_org_line_without_mva_unless_registered():
    assert Party("Firma AS", "Vei 1", "0150", "Oslo", org_number="912 345 678").org_line == (
        "Org.nr 912 345 678"
    )
    assert BUYER.org_line is None


def test_totals_and_vat_at_25_percent():
    doc = document(
        lines=[
            line(quantity=4, unit_price_ore=249_900),  # 9 996,00, MVA 1 999,20
            line(quantity=2, unit_price_ore=499_000),  # 9 980,00, MVA 1 996,00
        ]
    )
    assert doc.total_ore == 1_997_600
    assert doc.vat_ore == 399_520
    assert doc.net_total_ore == 1_598_080
    assert doc.vat_by_rate == {25: 399_520}
    assert doc.vat_summary == (VatGroup(VatScheme.STANDARD, 25, 1_598_080, 399_520, 1_997_600),)
    assert doc.vat_summary[0].label == "MVA 25 %"
    assert not doc.uses_margin_scheme
    assert doc.margin_scheme_text is None


def test_vat_is_rounded_per_line_to_the_ore():
    # 10,03 incl. MVA: 1003 × 25/125 = 200.6 → 201 øre per line, so two lines carry 402 øre,
    # while one line of two pieces (20,06; 401.2 → 401) carries 401.
    two_lines = document(lines=[line(unit_price_ore=1003), line(unit_price_ore=1003)])
    one_line = document(lines=[line(quantity=2, unit_price_ore=1003)])
    assert two_lines.vat_ore == 402
    assert one_line.vat_ore == 401
    assert two_lines.total_ore == one_line.total_ore == 2006


def test_zero_rate_lines_get_their_own_row():
    doc = document(
        lines=[line(unit_price_ore=12_500), line(unit_price_ore=5_000, vat_rate_percent=0)]
    )
    assert doc.vat_by_rate == {25: 2_500, 0: 0}
    assert [(g.label, g.net_ore, g.vat_ore, g.gross_ore) for g in doc.vat_summary] == [
        ("MVA 25 %", 10_000, 2_500, 12_500),
        ("MVA 0 %", 5_000, 0, 5_000),
    ]
    assert doc.total_ore == 17_500


def test_margin_lines_show_no_vat_and_bring_the_text():
    doc = document(lines=[line(unit_price_ore=120_050, vat_scheme="margin")])
    assert doc.lines[0].vat_scheme is VatScheme.MARGIN
    assert doc.lines[0].vat_ore == 0
    assert doc.vat_ore == 0
    assert doc.vat_by_rate == {}
    assert doc.net_total_ore == doc.total_ore == 120_050
    assert doc.vat_summary == (VatGroup(VatScheme.MARGIN, None, None, None, 120_050),)
    assert doc.uses_margin_scheme
    assert not doc.has_standard_lines
    assert doc.margin_scheme_text == MARGIN_SCHEME_TEXT
    # The wording the rules ask for: the margin scheme is used, and no input-VAT deduction.
    assert "avansesystemet" in MARGIN_SCHEME_TEXT
    assert "ikke rett til fradrag for inngående merverdiavgift" in MARGIN_SCHEME_TEXT


def test_a_mixed_document_splits_standard_and_margin_lines():
    doc = document(
        lines=[line(unit_price_ore=100_000), line(unit_price_ore=50_000, vat_scheme="margin")]
    )
    assert doc.total_ore == 150_000
    assert doc.vat_ore == 20_000
    assert doc.vat_by_rate == {25: 20_000}
    assert [g.scheme for g in doc.vat_summary] == [VatScheme.STANDARD, VatScheme.MARGIN]
    assert doc.margin_scheme_text == MARGIN_SCHEME_TEXT


def test_a_credit_note_is_negative_and_names_the_invoice():
    doc = document(
        "credit_note",
        lines=[
            line(quantity=2, unit_price_ore=10_000),
            line(unit_price_ore=5_000, vat_scheme="margin"),
        ],
    )
    assert doc.sign == -1
    assert doc.total_ore == -25_000
    assert doc.vat_ore == -4_000
    assert doc.net_total_ore == -21_000
    assert doc.vat_by_rate == {25: -4_000}
    assert doc.line_amount_ore(doc.lines[0]) == -20_000
    assert doc.unit_price_ore(doc.lines[0]) == -10_000
    assert doc.vat_summary[1].gross_ore == -5_000
    assert doc.credit_reference == "Krediterer faktura nr. 10023"
    assert document().credit_reference is None


def test_order_confirmation_and_packing_slip_need_no_payment_details():
    for kind in ("order_confirmation", "packing_slip"):
        doc = document(kind, delivery_on=None, delivery_place=None)
        assert doc.kind.value == kind
        assert doc.total_ore == 100_000


def test_kinds_and_lines_are_coerced_and_the_snapshot_is_frozen():
    doc = document(lines=[line()])
    assert doc.kind is DocumentKind.INVOICE
    assert isinstance(doc.lines, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.number = "10024"
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.lines[0].quantity = 3


def test_the_bank_account_is_a_parameter_with_a_marked_placeholder():
    assert document().bank_account == PLACEHOLDER_BANK_ACCOUNT
    assert document().bank_account_is_placeholder
    real = document(bank_account="1822.20.12345")
    assert real.bank_account == "1822.20.12345"
    assert not real.bank_account_is_placeholder


def test_snapshot_round_trips_through_json():
    doc = document(
        lines=[line(), line(vat_scheme="margin", vat_rate_percent=0)],
        buyer=Party("Firma AS", "Vei 1", "0150", "Oslo", org_number="912 345 678"),
        order_number="O-1",
        notes="Hentes på lager",
    )
    data = json.loads(json.dumps(doc.snapshot()))
    assert data["issued_on"] == "2026-11-24"
    assert data["kind"] == "invoice"
    assert SalesDocument.from_snapshot(data) == doc


@pytest.mark.parametrize(
    ("kind", "overrides", "message"),
    [
        ("invoice", {"due_on": None}, "an invoice needs a due date"),
        ("invoice", {"due_on": date(2026, 11, 1)}, "the due date is before the invoice date"),
        ("invoice", {"kid": None}, "an invoice needs a valid KID"),
        ("invoice", {"kid": "00100231"}, "an invoice needs a valid KID"),
        ("invoice", {"delivery_on": None}, "the time and place of delivery"),
        ("invoice", {"delivery_place": " "}, "the time and place of delivery"),
        ("invoice", {"credits_number": "9"}, "only a credit note credits an invoice"),
        ("credit_note", {"credits_number": None}, "needs the number of the invoice it credits"),
        ("credit_note", {"number": "KN-10023"}, "may not reuse the invoice's number"),
        ("order_confirmation", {"number": ""}, "needs a number"),
        ("order_confirmation", {"lines": ()}, "at least one line"),
    ],
)
def test_document_validation(kind, overrides, message):
    with pytest.raises(ValueError, match=message):
        document(kind, **overrides)


def test_document_validation_lists_every_problem():
    with pytest.raises(ValueError) as caught:
        document(due_on=None, kid=None)
    assert "due date" in str(caught.value)
    assert "KID" in str(caught.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quantity": 0}, "quantity must be a positive"),
        ({"quantity": -1}, "quantity must be a positive"),
        ({"quantity": 1.5}, "quantity must be a positive"),
        ({"unit_price_ore": -100}, "unit price must be whole øre"),
        ({"unit_price_ore": 99.5}, "unit price must be whole øre"),
        ({"vat_rate_percent": 15}, "VAT rate must be one of"),
        ({"description": "  "}, "needs a description"),
    ],
)
def test_line_validation(overrides, message):
    with pytest.raises(ValueError, match=message):
        line(**overrides)


def test_unknown_vat_scheme_is_refused():
    with pytest.raises(ValueError):
        line(vat_scheme="reduced")


def test_a_party_needs_a_name():
    with pytest.raises(ValueError, match="needs a name"):
        Party(" ", "Vei 1", "0150", "Oslo")
