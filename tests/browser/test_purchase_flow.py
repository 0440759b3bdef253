"""The issue's acceptance test, end to end in a real browser with a real SMTP server.

A guest buys two products with invoice payment; the order confirmation reaches the SMTP
server the test runs. Staff, logged in through the login page in a browser of their own,
confirm the order, ship it in two parts with a packing slip for each, and invoice it. The
customer receives both packing slips and the invoice, whose PDF holds every legal field.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from bkm.extensions import db
from bkm.mail.sender import send_due
from bkm.money import format_kr, vat_part_ore
from bkm.orders.document_models import IssuedDocument
from bkm.orders.models import Order
from bkm.orders.placing import shipping_price_ore
from tests.factories import DEFAULT_PASSWORD, make_category, make_product, make_user

pytestmark = pytest.mark.browser

BUYER = {
    "name": "Siri Ødegård Åsheim",
    "email": "siri.asheim@example.no",
    "phone": "412 34 567",
    "street": "Løvåsvegen 7",
    "postcode": "2406",
    "city": "Elverum",
}
CHAIR_PRICE, DESK_PRICE = 120_000, 250_000


def flat(text: str) -> str:
    """One line, every run of whitespace (no-break spaces too) as one space."""
    return " ".join(text.split())


def kr(ore: int) -> str:
    return flat(format_kr(ore, decimals=True))


def day(iso: str) -> str:
    year, month, date = iso.split("-")
    return f"{date}.{month}.{year}"


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def pdf_attachments(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def deliver_outbox(smtp_server) -> list:
    """Send every due mail to the test's SMTP server; the messages that arrived now."""
    before = len(smtp_server.messages)
    db.session.rollback()  # a fresh transaction: see what the live server committed
    report = send_due()
    assert report.failed == 0 and report.waiting == 0, report
    return smtp_server.messages[before:]


class CookieWatch:
    """Every Set-Cookie header a context received, with the URL that sent it."""

    def __init__(self, context) -> None:
        self.context = context
        self.set_cookies: list[tuple[str, str]] = []
        context.on("response", self.on_response)

    def on_response(self, response) -> None:
        for header in response.headers_array():
            if header["name"].lower() == "set-cookie":
                self.set_cookies.append((response.url, header["value"]))

    def assert_local_only(self) -> None:
        assert self.set_cookies, "the shop set no cookie at all"
        for url, value in self.set_cookies:
            assert urlsplit(url).hostname == "127.0.0.1", url
            domain = re.search(r";\s*domain=([^;]+)", value, re.IGNORECASE)
            assert domain is None or domain.group(1).strip() == "127.0.0.1", value
        cookies = self.context.cookies()
        assert cookies and {cookie["domain"] for cookie in cookies} == {"127.0.0.1"}, cookies


@pytest.fixture
def products(commit, write_images):
    chairs = make_category(slug="kontorstoler", name="Kontorstoler")
    chair = make_product(
        category=chairs,
        slug="hag-capisco",
        title="Håg Capisco stol",
        condition="B",
        price_ore=CHAIR_PRICE,
        stock_quantity=3,
    )
    desk = make_product(
        slug="skrivebord-bjork", title="Skrivebord bjørk", condition="A", price_ore=DESK_PRICE
    )
    write_images(chair, desk)
    commit()
    return chair, desk


@pytest.fixture
def staff_user(commit):
    user = make_user(role="staff", name="Stian Stab", email="stian@bruktekontormobler.no")
    commit()
    return user


def shop_as_guest(page, chair, desk) -> str:
    """Two products in the cart, checkout as a private guest with invoice; the order number."""
    page.goto(f"/produkt/{chair.slug}")
    page.get_by_label("Antall").select_option("2")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_text(f"Lagt i handlekurven: {chair.title}.")).to_be_visible()
    page.goto(f"/produkt/{desk.slug}")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_text(f"Lagt i handlekurven: {desk.title}.")).to_be_visible()

    page.get_by_test_id("cart-link").click()
    expect(page.get_by_test_id("cart-line")).to_have_count(2)
    expect(page.get_by_test_id("cart-total")).to_have_text(format_kr(2 * CHAIR_PRICE + DESK_PRICE))
    page.get_by_test_id("to-checkout").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kasse")
    form = page.get_by_test_id("checkout-form")
    form.get_by_role("radio", name="Privat", exact=True).check()
    form.get_by_label("Fullt navn").fill(BUYER["name"])
    form.get_by_label("E-post", exact=True).fill(BUYER["email"])
    form.get_by_label("Telefon").fill(BUYER["phone"])
    address = form.get_by_role("group", name="Adresse", exact=True)
    address.get_by_label("Gateadresse").fill(BUYER["street"])
    address.get_by_label("Postnummer").fill(BUYER["postcode"])
    address.get_by_label("Poststed").fill(BUYER["city"])
    form.get_by_role("radio", name="Levering", exact=True).check()
    form.get_by_role("radio", name="Faktura (14 dager)").check()
    form.get_by_label("Jeg har lest salgsbetingelsene").check()
    form.get_by_test_id("place-order").click()

    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_be_visible()
    number = page.get_by_test_id("order-number").inner_text()
    expect(receipt).to_contain_text(BUYER["email"])
    assert number
    return number


def staff_log_in(page, user) -> None:
    page.goto("/konto/logg-inn")
    page.get_by_label("E-post", exact=True).fill(user.email)
    page.get_by_label("Passord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text(f"Velkommen, {user.name}.")).to_be_visible()


def ship(page, *, send: dict[str, int], tracking: str) -> None:
    """Fill the shipment form: units per product title (others 0), Bring, tracking number."""
    form = page.get_by_test_id("ship-form")
    for title, units in send.items():
        form.get_by_label(title, exact=True).fill(str(units))
    form.get_by_label("Sendes med").select_option("Bring")
    form.get_by_label("Sporingsnummer (valgfritt)").fill(tracking)
    form.get_by_role("button", name="Registrer forsendelsen").click()
    expect(page.get_by_text("Forsendelsen er registrert")).to_be_visible()


def staff_handle_order(page, number: str, chair, desk) -> None:
    page.goto("/admin/ordrer")
    page.get_by_test_id("order-table").get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ordre {number}")
    status = page.get_by_test_id("order-status")
    expect(status).to_have_text("Mottatt")

    page.get_by_test_id("confirm-form").get_by_role("button", name="Bekreft ordren").click()
    expect(page.get_by_text(f"Ordre {number} er bekreftet.")).to_be_visible()
    expect(status).to_have_text("Bekreftet")

    slips = page.get_by_test_id("packing-slip-form")
    ship(page, send={chair.title: 2, desk.title: 0}, tracking="70712345678901")
    expect(status).to_have_text("Delvis sendt")
    expect(slips).to_have_count(1)
    slips.get_by_role("button", name="Lag pakkseddel").click()
    expect(page.get_by_text("Pakkseddelen er laget og sendt til kunden.")).to_be_visible()
    expect(slips).to_have_count(0)

    expect(page.get_by_test_id("ship-form").get_by_label(chair.title)).to_be_disabled()
    ship(page, send={desk.title: 1}, tracking="70712345678902")
    expect(status).to_have_text("Sendt")
    expect(page.get_by_test_id("ship-form")).to_have_count(0)
    slips.get_by_role("button", name="Lag pakkseddel").click()
    expect(page.get_by_text("Pakkseddelen er laget og sendt til kunden.")).to_be_visible()
    expect(slips).to_have_count(0)

    page.get_by_test_id("invoice-form").get_by_role("button", name="Lag faktura").click()
    expect(page.get_by_text(f"Faktura for ordre {number} er laget og sendt")).to_be_visible()
    documents = page.get_by_test_id("documents")
    expect(documents.get_by_role("row")).to_have_count(5)  # heading, confirmation, 2 slips, invoice
    expect(documents).to_contain_text("Faktura")


def test_guest_buys_staff_ship_in_two_parts_and_invoice(
    page, new_watched_page, products, staff_user, smtp_server
):
    chair, desk = products
    shopper_cookies = CookieWatch(page.context)

    # The shopper: cart, checkout as a guest, receipt; the confirmation by SMTP.
    number = shop_as_guest(page, chair, desk)
    (confirmation,) = deliver_outbox(smtp_server)
    assert confirmation["To"] == BUYER["email"]
    assert number in confirmation["Subject"]
    text = body(confirmation)
    assert f"ordre {number}" in text
    assert "Angrerett" in text
    assert "14 dagers angrerett etter angrerettloven" in text
    assert "Standardskjema for bruk av angrerett" in text
    shopper_cookies.assert_local_only()

    # Staff, in a browser of their own: confirm, ship in two parts, packing slips, invoice.
    staff_page = new_watched_page()
    staff_cookies = CookieWatch(staff_page.context)
    staff_log_in(staff_page, staff_user)
    staff_handle_order(staff_page, number, chair, desk)
    staff_cookies.assert_local_only()

    arrived = deliver_outbox(smtp_server)
    assert all(message["To"] == BUYER["email"] for message in arrived)
    slips = [m for m in arrived if m["Subject"].startswith("Pakkseddel")]
    invoices = [m for m in arrived if m["Subject"].startswith("Faktura")]
    assert len(slips) == 2 and len(invoices) == 1 and len(arrived) == 3, [
        m["Subject"] for m in arrived
    ]
    for slip in slips:
        assert number in slip["Subject"]
        assert len(pdf_attachments(slip)) == 1
    assert "Håg Capisco stol" in body(slips[0]) and "Skrivebord bjørk" in body(slips[1])

    order = db.session.scalar(select(Order).where(Order.number == number))
    invoice = db.session.scalar(
        select(IssuedDocument).where(
            IssuedDocument.order_id == order.id, IssuedDocument.kind == "invoice"
        )
    )
    snapshot = invoice.snapshot
    (invoice_pdf,) = pdf_attachments(invoices[0])
    assert invoice_pdf[0] == f"faktura-{invoice.display_number}.pdf"
    assert invoice.display_number in invoices[0]["Subject"]
    mail_text = flat(body(invoices[0]))
    assert f"KID: {invoice.kid}" in mail_text
    assert f"Forfallsdato: {invoice.due_on:%d.%m.%Y}" in mail_text

    # The invoice PDF holds every legal field.
    text = pdf_text(invoice_pdf[1])
    shipping = shipping_price_ore("delivery")
    amounts = [2 * CHAIR_PRICE, DESK_PRICE, shipping]
    total = sum(amounts)
    vat = sum(vat_part_ore(amount) for amount in amounts)
    place = f"{BUYER['street']}, {BUYER['postcode']} {BUYER['city']}"
    expected = [
        "Brukte Kontormøbler AS",
        "Org.nr 974 408 597 MVA Foretaksregisteret",
        f"Fakturanr. {invoice.display_number}",
        f"Fakturadato {day(snapshot['issued_on'])}",
        f"Leveringsdato {day(snapshot['delivery_on'])}",
        f"Forfallsdato {invoice.due_on:%d.%m.%Y}",
        f"Ordrenr. {number}",
        f"KJØPER {BUYER['name']} {BUYER['street']} {BUYER['postcode']} {BUYER['city']}",
        f"LEVERINGSSTED {place}",
        "Beskrivelse Varenr. Tilstand Antall Enhetspris Beløp",
        f"Håg Capisco stol {chair.sku} Pent brukt 2 {kr(CHAIR_PRICE)} {kr(2 * CHAIR_PRICE)}",
        f"Skrivebord bjørk {desk.sku} Som ny 1 {kr(DESK_PRICE)} {kr(DESK_PRICE)}",
        f"Frakt og levering FRAKT – 1 {kr(shipping)} {kr(shipping)}",
        f"MVA 25 % {kr(total - vat)} {kr(vat)} {kr(total)}",
        f"Å betale {kr(total)}",
        f"Herav MVA {kr(vat)}",
        f"Kontonummer {snapshot['bank_account']}",
        f"KID {invoice.kid}",
        f"Beløp {kr(total)}",
    ]
    missing = [field for field in expected if field not in text]
    assert missing == [], text
    assert invoice.total_ore == total
