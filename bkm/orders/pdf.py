"""Render a SalesDocument as an A4 PDF with fpdf2.

DejaVu Sans is vendored in ./fonts (fpdf2's core fonts are Latin-1 only) so every machine makes
the same bytes; the creation date comes from the document date, so the output is deterministic.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from bkm.clock import OSLO
from bkm.money import format_kr
from bkm.orders.sales_document import DocumentKind, SalesDocument

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
MARGIN = 18  # mm, left and right
GREY = (110, 110, 110)
LIGHT = (236, 236, 236)
HEADINGS = FontFace(emphasis="BOLD", fill_color=LIGHT)

NUMBER_LABEL = {DocumentKind.INVOICE: "Fakturanr.", DocumentKind.CREDIT_NOTE: "Kreditnotanr."}
DATE_LABEL = {DocumentKind.INVOICE: "Fakturadato"}
TOTAL_LABEL = {
    DocumentKind.INVOICE: "Å betale",
    DocumentKind.CREDIT_NOTE: "Kreditert beløp",
    DocumentKind.ORDER_CONFIRMATION: "Totalt",
}


def kr(ore: int) -> str:
    return format_kr(ore, decimals=True)


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


class _DocumentPDF(FPDF):
    def __init__(self, document: SalesDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document = document

    def footer(self) -> None:
        seller = self.document.seller
        registry = "Foretaksregisteret" * seller.in_foretaksregisteret
        title = f"{self.document.title} {self.document.number}"
        parts = [title, seller.name, seller.org_line, registry]
        self.set_y(-13)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*GREY)
        footer = " · ".join(p for p in parts if p)
        self.cell(0, 4, f"{footer}    Side {self.page_no()} av {{nb}}", align="C")


def render_pdf(document: SalesDocument) -> bytes:
    pdf = _DocumentPDF(document)
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_margins(MARGIN, 15, MARGIN)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_creation_date(datetime.combine(document.issued_on, time(), tzinfo=OSLO))
    pdf.set_title(f"{document.title} {document.number}")
    pdf.set_author(document.seller.name)
    pdf.set_creator("bkm")
    pdf.set_lang("nb-NO")
    pdf.add_page()
    _header(pdf, document)
    _parties(pdf, document)
    _lines(pdf, document)
    if document.kind.shows_prices:
        if pdf.will_page_break(8 * len(document.vat_summary) + 28):
            pdf.add_page()  # keep the VAT summary and the total together
        _vat_summary(pdf, document)
        _total(pdf, document)
    if document.kind.shows_prices and document.margin_scheme_text:
        _paragraph(pdf, document.margin_scheme_text, size=8)
    if document.kind is DocumentKind.INVOICE:
        _payment(pdf, document)
    if document.notes:
        _paragraph(pdf, f"Merknad: {document.notes}", size=9)
    return bytes(pdf.output())


def _header(pdf: FPDF, document: SalesDocument) -> None:
    seller, top = document.seller, pdf.get_y()
    pdf.set_font(FONT, "B", 13)
    pdf.cell(95, 7, seller.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)
    contact = " · ".join(filter(None, [seller.email, seller.phone and f"Tlf. {seller.phone}"]))
    registry = "Foretaksregisteret" if seller.in_foretaksregisteret else None
    for line in (*seller.address_lines, seller.org_line, registry, contact):
        if line:
            pdf.cell(95, 4.6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    x = pdf.w - MARGIN - 72
    pdf.set_xy(x, top)
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(72, 7, document.title, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(1)
    facts = [
        (NUMBER_LABEL.get(document.kind, "Nr."), document.number),
        (DATE_LABEL.get(document.kind, "Dato"), day(document.issued_on)),
        ("Leveringsdato", day(document.delivery_on)),
        ("Forfallsdato", day(document.due_on)),
        ("Ordrenr.", document.order_number),
    ]
    for label, value in facts:
        if value:
            pdf.set_x(x)
            pdf.set_font(FONT, size=9)
            pdf.cell(34, 4.8, label)
            pdf.set_font(FONT, "B", 9)
            pdf.cell(38, 4.8, value, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)
    pdf.set_draw_color(*GREY)
    pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
    pdf.ln(5)


def _block(pdf: FPDF, x: float, width: float, heading: str, lines: list[str]) -> float:
    """A small labelled block at x; returns the y below it."""
    pdf.set_x(x)
    pdf.set_font(FONT, "B", 8)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 4.5, heading.upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    for index, line in enumerate(lines):
        pdf.set_font(FONT, "B" if index == 0 else "", 10)
        pdf.multi_cell(width, 5, line, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    return pdf.get_y()


def _parties(pdf: FPDF, document: SalesDocument) -> None:
    buyer, top = document.buyer, pdf.get_y()
    buyer_lines = [buyer.name, *buyer.address_lines, buyer.org_line or ""]
    bottom = _block(pdf, MARGIN, 88, "Kjøper", [line for line in buyer_lines if line])
    if document.delivery_place:
        pdf.set_y(top)
        place = [document.delivery_place]
        bottom = max(bottom, _block(pdf, pdf.w - MARGIN - 80, 80, "Leveringssted", place))
    pdf.set_y(bottom + 4)
    if document.credit_reference:
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 6, document.credit_reference, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)


def _lines(pdf: FPDF, document: SalesDocument) -> None:
    with_prices = document.kind.shows_prices
    headings = ["Beskrivelse", "Varenr.", "Tilstand", "Antall"]
    widths, align = [64, 24, 26, 13], ["LEFT", "LEFT", "LEFT", "RIGHT"]
    if with_prices:
        headings += ["Enhetspris", "Beløp"]
        widths, align = [*widths, 23.5, 23.5], [*align, "RIGHT", "RIGHT"]
    else:
        widths[0] += 47
    pdf.set_font(FONT, size=8.5)
    pdf.set_draw_color(*GREY)
    with pdf.table(
        col_widths=widths,
        text_align=align,
        headings_style=HEADINGS,
        borders_layout="HORIZONTAL_LINES",
        line_height=5,
        padding=(1.2, 1.5),
    ) as table:
        table.row(headings)
        for line in document.lines:
            mark = " *" if line.is_margin and with_prices else ""
            cells = [line.description + mark, line.sku, line.condition, str(line.quantity)]
            if with_prices:
                cells += [kr(document.unit_price_ore(line)), kr(document.line_amount_ore(line))]
            table.row(cells)
    pdf.ln(4)


def _vat_summary(pdf: FPDF, document: SalesDocument) -> None:
    if not document.has_standard_lines:
        return  # margin-scheme lines only: no MVA amount may be shown
    pdf.set_font(FONT, size=8.5)
    with pdf.table(
        width=120,
        align="RIGHT",
        col_widths=(36, 28, 28, 28),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=HEADINGS,
        borders_layout="HORIZONTAL_LINES",
        line_height=5,
        padding=(1, 1.5),
    ) as table:
        table.row(["Avgift", "Grunnlag", "MVA", "Sum inkl. mva"])
        for group in document.vat_summary:
            net = "–" if group.net_ore is None else kr(group.net_ore)
            vat = "–" if group.vat_ore is None else kr(group.vat_ore)
            table.row([group.label, net, vat, kr(group.gross_ore)])
    pdf.ln(2)


def _total(pdf: FPDF, document: SalesDocument) -> None:
    x = pdf.w - MARGIN - 120
    rows = [(TOTAL_LABEL[document.kind], kr(document.total_ore), "B", 11)]
    if document.has_standard_lines:
        rows.append(("Herav MVA", kr(document.vat_ore), "", 9))
    for label, amount, style, size in rows:
        pdf.set_x(x)
        pdf.set_font(FONT, style, size)
        pdf.cell(72, 6, label)
        pdf.cell(48, 6, amount, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _paragraph(pdf: FPDF, text: str, size: float) -> None:
    pdf.set_font(FONT, size=size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _payment(pdf: FPDF, document: SalesDocument) -> None:
    account = document.bank_account
    if document.bank_account_is_placeholder:
        account += " (plassholder, ikke i bruk)"
    rows = [
        ("Kontonummer", account),
        ("KID", document.kid or ""),
        ("Forfallsdato", day(document.due_on)),
        ("Beløp", kr(document.total_ore)),
    ]
    height = 7 + 5.5 * len(rows) + 3
    if pdf.will_page_break(height + 2):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_fill_color(*LIGHT)
    pdf.rect(MARGIN, top, pdf.w - 2 * MARGIN, height, style="F")
    pdf.set_xy(MARGIN + 4, top + 2)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Betalingsinformasjon", new_x=XPos.LEFT, new_y=YPos.NEXT)
    for label, value in rows:
        pdf.set_font(FONT, size=9.5)
        pdf.cell(34, 5.5, label)
        pdf.set_font(FONT, "B", 9.5)
        pdf.cell(100, 5.5, value, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_x(MARGIN + 4)
    pdf.set_y(top + height + 4)
