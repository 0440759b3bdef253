"""The rendered PDF carries every field a Norwegian sales document must show (research §1.2)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from bkm.money import format_kr
from bkm.orders.kid import make_kid
from bkm.orders.pdf import render_pdf
from bkm.orders.sales_document import MARGIN_SCHEME_TEXT, DocumentLine, Party, SalesDocument

BUSINESS = Party(
    "Ås Regnskap & Økonomi AS", "Storgata 12 B", "2408", "Elverum", org_number="912 345 678"
)
CONSUMER = Party("Bjørn Ærlig", "Løvåsveien 3", "2406", "Elverum")
CHAIR = DocumentLine("Kontorstol Håg H05 sort", "HAG-05-117", "Pent brukt", 4, 249_900)
DESK = DocumentLine("Skrivebord hev/senk bjørk", "DESK-160-22", "Som ny", 2, 499_000)
CABINET = DocumentLine("Arkivskap grå stål", "ARK-4-009", "Brukt", 1, 120_050, vat_scheme="margin")


def flat(text: str) -> str:
    """One line, every run of whitespace (no-break spaces too) as one space."""
    return " ".join(text.split())


def kr(ore: int) -> str:
    return flat(format_kr(ore, decimals=True))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return flat(" ".join(page.extract_text() for page in reader.pages))


def make(kind: str = "invoice", lines=(CHAIR, DESK), buyer=BUSINESS, **overrides) -> SalesDocument:
    values = {
        "kind": kind,
        "number": "10023",
        "issued_on": date(2026, 11, 24),
        "buyer": buyer,
        "lines": lines,
        "delivery_on": date(2026, 11, 23),
        "delivery_place": "Storgata 12 B, 2408 Elverum",
        "order_number": "O-2026-00417",
    }
    if kind == "invoice":
        values |= {"due_on": date(2026, 12, 8), "kid": make_kid(10023, 4711)}
    if kind == "credit_note":
        values |= {"number": "50001", "credits_number": "10023"}
    return SalesDocument(**{**values, **overrides})


@pytest.fixture(scope="module")
def invoice_text() -> str:
    return pdf_text(render_pdf(make()))


def test_is_a_one_page_a4_pdf():
    data = render_pdf(make())
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert reader.metadata.title == "Faktura 10023"


@pytest.mark.parametrize(
    "field",
    [
        "Brukte Kontormøbler AS",
        "Svartbekkvegen 50",
        "2411 Elverum",
        "Org.nr 974 408 597 MVA",
        "Foretaksregisteret",
        "post@bruktekontormobler.no",
        "62 41 79 05",
        "Faktura",
        "Fakturanr. 10023",
        "Fakturadato 24.11.2026",
        "Leveringsdato 23.11.2026",
        "Storgata 12 B, 2408 Elverum",  # the place of delivery
        "Ordrenr. O-2026-00417",
        "Ås Regnskap & Økonomi AS",
        "Storgata 12 B",
        "2408 Elverum",
        "Org.nr 912 345 678",
    ],
)
def test_invoice_header_fields(invoice_text, field):
    assert field in invoice_text


def test_invoice_lines_show_description_quantity_and_prices(invoice_text):
    for heading in ("Beskrivelse", "Varenr.", "Tilstand", "Antall", "Enhetspris", "Beløp"):
        assert heading in invoice_text
    assert f"Kontorstol Håg H05 sort HAG-05-117 Pent brukt 4 {kr(249_900)} {kr(999_600)}" in (
        invoice_text
    )
    assert f"Skrivebord hev/senk bjørk DESK-160-22 Som ny 2 {kr(499_000)} {kr(998_000)}" in (
        invoice_text
    )


def test_invoice_vat_per_rate_in_nok_and_total(invoice_text):
    # 19 976,00 incl. MVA; MVA 25 % = 3 995,20 (1 999,20 + 1 996,00 per line); base 15 980,80.
    assert "Grunnlag" in invoice_text
    assert "Sum inkl. mva" in invoice_text
    assert "MVA 25 % kr 15 980,80 kr 3 995,20 kr 19 976,00" in invoice_text
    assert "Å betale kr 19 976,00" in invoice_text
    assert "Herav MVA kr 3 995,20" in invoice_text
    assert "avansesystemet" not in invoice_text


def test_invoice_payment_block(invoice_text):
    assert "Betalingsinformasjon" in invoice_text
    assert "Kontonummer 1503.12.34567 (plassholder, ikke i bruk)" in invoice_text
    assert "KID 00471100100232" in invoice_text
    assert "Forfallsdato 08.12.2026" in invoice_text
    assert "Beløp kr 19 976,00" in invoice_text


def test_the_configured_bank_account_is_printed_without_the_placeholder_mark():
    text = pdf_text(render_pdf(make(bank_account="1822.20.12345")))
    assert "Kontonummer 1822.20.12345" in text
    assert "plassholder" not in text


def test_consumer_buyer_has_no_org_number():
    text = pdf_text(render_pdf(make(buyer=CONSUMER)))
    assert "Bjørn Ærlig Løvåsveien 3 2406 Elverum" in text
    assert "Org.nr 974 408 597 MVA" in text
    assert text.count("Org.nr") == 2  # the seller's, in the header and the footer


def test_credit_note_references_the_invoice_and_shows_negative_amounts():
    text = pdf_text(render_pdf(make("credit_note")))
    assert "Kreditnota" in text
    assert "Kreditnotanr. 50001" in text
    assert "Krediterer faktura nr. 10023" in text
    assert f"4 {kr(-249_900)} {kr(-999_600)}" in text
    assert "MVA 25 % −kr 15 980,80 −kr 3 995,20 −kr 19 976,00" in text
    assert "Kreditert beløp −kr 19 976,00" in text
    assert "Betalingsinformasjon" not in text


def test_margin_only_document_shows_no_vat_amount_and_the_margin_text():
    text = pdf_text(render_pdf(make(lines=(CABINET,))))
    assert flat(MARGIN_SCHEME_TEXT) in text
    assert "Arkivskap grå stål * ARK-4-009 Brukt 1 kr 1 200,50 kr 1 200,50" in text
    assert "Å betale kr 1 200,50" in text
    # The only "MVA" left is the seller's registration (header and footer); no amount, no rate.
    assert text.replace("Org.nr 974 408 597 MVA", "").lower().count("mva") == 0
    assert "Grunnlag" not in text
    assert "Herav" not in text


def test_mixed_document_shows_vat_for_standard_lines_only():
    text = pdf_text(render_pdf(make(lines=(CHAIR, CABINET))))
    assert f"MVA 25 % {kr(799_680)} {kr(199_920)} {kr(999_600)}" in text
    assert f"Avansesystemet * – – {kr(120_050)}" in text
    assert f"Å betale {kr(1_119_650)}" in text
    assert f"Herav MVA {kr(199_920)}" in text
    assert flat(MARGIN_SCHEME_TEXT) in text


def test_order_confirmation_has_prices_but_no_payment_block():
    text = pdf_text(render_pdf(make("order_confirmation", delivery_on=None)))
    assert "Ordrebekreftelse" in text
    assert "Nr. 10023" in text
    assert "Dato 24.11.2026" in text
    assert "Totalt kr 19 976,00" in text
    assert "Betalingsinformasjon" not in text
    assert "Leveringsdato" not in text


def test_packing_slip_has_goods_but_no_prices():
    text = pdf_text(render_pdf(make("packing_slip", lines=(CHAIR, CABINET))))
    assert "Pakkseddel / leveringsinformasjon" in text
    assert "Kontorstol Håg H05 sort HAG-05-117 Pent brukt 4" in text
    assert "Arkivskap grå stål ARK-4-009 Brukt 1" in text
    assert "kr " not in text
    assert "avansesystemet" not in text


def test_notes_are_printed():
    text = pdf_text(render_pdf(make(notes="Hentes på lageret i Elverum, ring først.")))
    assert "Merknad: Hentes på lageret i Elverum, ring først." in text


def test_norwegian_letters_survive():
    text = pdf_text(render_pdf(make(notes="ÆØÅ æøå – «sitat» é ü")))
    assert "ÆØÅ æøå – «sitat» é ü" in text


def test_many_lines_flow_onto_more_pages():
    lines = tuple(
        DocumentLine(f"Stol nr. {n}", f"S-{n}", "Brukt", 1, 10_000 + n) for n in range(60)
    )
    data = render_pdf(make(lines=lines))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    text = pdf_text(data)
    assert "Stol nr. 0 " in text
    assert "Stol nr. 59 " in text
    assert f"Å betale {kr(sum(10_000 + n for n in range(60)))}" in text
    assert "Side 1 av" in text


def test_output_is_deterministic():
    assert render_pdf(make()) == render_pdf(make())


def test_creation_date_comes_from_the_document_date():
    data = render_pdf(make(issued_on=date(2026, 11, 20)))
    assert PdfReader(io.BytesIO(data)).metadata["/CreationDate"].startswith("D:20261120")
    assert data != render_pdf(make())
