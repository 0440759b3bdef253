"""/kasse: the page, guests and customers placing orders, the receipt, and bad input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bkm.accounts.models import User
from bkm.cart.models import CartLine, StockHold
from bkm.mail.models import MailMessage
from bkm.money import format_kr
from bkm.orders.models import Order
from tests.accounts.helpers import CSRF_SALT, signed_seconds_ago
from tests.cart.checkout_helpers import (
    BUSINESS_GUEST,
    CHECKOUT,
    PRIVATE_GUEST,
    counts,
    give_cart,
)
from tests.cart.conftest import add_to_cart, page
from tests.factories import make_cart, make_customer, make_hold, make_product

STALE_FORM_MESSAGE = "Skjemaet var for gammelt eller kom ikke fra denne siden."


@pytest.fixture
def in_cart(client, desk):
    add_to_cart(client, desk)
    return desk


def the_order(db) -> Order:
    db.session.expire_all()
    return db.session.scalar(sa.select(Order))


def test_cart_page_has_the_to_checkout_button(client, in_cart):
    html = page(client.get("/handlekurv"))
    assert 'data-testid="to-checkout"' in html and 'href="/kasse"' in html


def test_checkout_page_shows_summary_terms_and_the_order_button(client, in_cart, db):
    response = client.get(CHECKOUT)
    html = page(response)
    assert response.status_code == 200
    assert "Hev-/senkebord 160 cm" in html and "Tilstand B" in html
    assert 'data-testid="place-order">Bestill med betalingsplikt</button>' in html
    assert f'data-testid="checkout-total-pickup">{format_kr(250_000)}<' in html
    assert f'data-testid="checkout-total-delivery">{format_kr(250_000 + 149_000)}<' in html
    assert "Herav mva 25&nbsp;%" in html and "eks. mva" in html
    assert "14 dagers angrerett" in html and 'href="/angreskjema"' in html
    assert "Faktura (14 dager)" in html and "Hent selv i Elverum (gratis)" in html
    assert " checked" not in html  # no radio chosen, no box ticked in advance
    assert 'name="nyhetsbrev"' in html  # its own box, unticked (the line above)
    # Opening the checkout holds the item for this cart.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockHold)) == 1


def test_withdrawal_form_page_has_the_standard_text(client):
    html = page(client.get("/angreskjema"))
    assert "Standardskjema for bruk av angrerett" in html
    assert "ønsker å gå fra min/vår (*) avtale om kjøp" in html


def test_empty_cart_cannot_check_out(client):
    response = client.get(CHECKOUT)
    assert response.status_code == 303 and response.location == "/handlekurv"
    assert "Handlekurven er tom" in page(client.get("/handlekurv"))


@pytest.mark.req("R1.1")
def test_guest_checkout_creates_a_customer_without_password_and_an_order(client, db, in_cart):
    response = client.submit(CHECKOUT, PRIVATE_GUEST)

    assert response.status_code == 303
    order = the_order(db)
    assert response.location == f"/kasse/bekreftelse/{order.number}"
    guest = db.session.scalar(sa.select(User))
    assert guest.email == "kari.nordmann@example.no" and guest.password_hash is None
    assert (guest.role, guest.registration_channel) == ("customer", "checkout")
    assert guest.phone == "+4741234567" and guest.customer_type == "private"
    assert order.customer_id == guest.id and order.customer_type == "private"
    assert (order.delivery_method, order.payment_method, order.total_ore) == (
        "pickup",
        "invoice",
        250_000,
    )
    assert counts()["stock"] == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CartLine)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockHold)) == 0

    receipt = page(client.get(response.location))
    assert order.number in receipt and "Takk for bestillingen" in receipt
    assert "Angrerett" in receipt


def test_an_earlier_guest_row_is_reused_and_not_overwritten(client, db, in_cart):
    earlier = make_customer(email="kari.nordmann@example.no", password=None, street="Gamlevei 1")
    earlier.registration_channel = "checkout"
    db.session.commit()
    client.submit(CHECKOUT, PRIVATE_GUEST)
    order = the_order(db)
    assert order.customer_id == earlier.id and order.street == "Storgata 12"
    assert counts()["users"] == 1
    assert db.session.get(User, earlier.id).street == "Gamlevei 1"


def test_guest_with_the_email_of_an_account_is_asked_to_log_in(client, db, in_cart):
    make_customer(email="kari.nordmann@example.no")
    db.session.commit()
    before = counts()
    response = client.submit(CHECKOUT, PRIVATE_GUEST)
    assert response.status_code == 400
    assert "Logg inn for å fullføre bestillingen" in page(response)
    assert counts() == before


def test_logged_in_customer_gets_details_prefilled_and_owns_the_order(client, db, login_as):
    customer = make_customer(name="Ola Haugen", city="Hamar", postcode="2317")
    db.session.commit()
    login_as(customer)
    desk = make_product(stock_quantity=1)
    db.session.commit()
    add_to_cart(client, desk)
    html = page(client.get(CHECKOUT))
    assert 'value="Ola Haugen"' in html and 'value="Hamar"' in html

    response = client.submit(
        CHECKOUT,
        {
            **PRIVATE_GUEST,
            "name": "Ola Haugen",
            "email": customer.email,
            "delivery_method": "delivery",
            "delivery_street": "Hytteveien 3",
            "delivery_postcode": "2450",
            "delivery_city": "Rena",
        },
    )
    assert response.status_code == 303
    order = the_order(db)
    assert order.customer_id == customer.id and counts()["users"] == 1
    assert (order.delivery_street, order.delivery_postcode, order.shipping_ore) == (
        "Hytteveien 3",
        "2450",
        149_000,
    )
    assert order.total_ore == desk.price_ore + 149_000


def test_business_checkout_stores_company_and_org_number(client, db, in_cart):
    response = client.submit(CHECKOUT, BUSINESS_GUEST)
    assert response.status_code == 303
    order = the_order(db)
    assert (order.customer_type, order.company_name, order.org_number) == (
        "business",
        "Hedmark Regnskap AS",
        "974408597",
    )


ORG_LENGTH = "Organisasjonsnummeret må være ni siffer, for eksempel 974 408 597."
BAD_INPUT = [
    ({"customer_type": ""}, "Velg om du handler som privatperson eller bedrift."),
    ({"customer_type": "staff"}, "Velg om du handler som privatperson eller bedrift."),
    ({"name": ""}, "Skriv inn fullt navn."),
    ({"name": "x" * 10_000}, "Maks 200 tegn."),
    ({"name": "Kari\x00Nordmann"}, "Feltet inneholder tegn som ikke er tillatt."),
    ({"email": ""}, "Skriv inn e-postadresse."),
    ({"email": "kari@"}, "Skriv en gyldig e-postadresse, for eksempel navn@firma.no."),
    ({"email": "a" * 10_000 + "@example.no"}, "Maks 254 tegn."),
    ({"phone": ""}, "Skriv inn telefonnummer."),
    ({"phone": "123"}, "Telefonnummeret er ikke gyldig."),
    ({"street": ""}, "Skriv inn gateadresse."),
    ({"street": "x" * 10_000}, "Maks 200 tegn."),
    ({"postcode": "24O8"}, "Postnummeret må være fire siffer, for eksempel 2411."),
    ({"postcode": "9" * 10_000}, "Postnummeret må være fire siffer, for eksempel 2411."),
    ({"city": ""}, "Skriv inn poststed."),
    ({"delivery_method": ""}, "Velg om du vil hente selv eller få varene levert."),
    ({"delivery_method": "drone"}, "Velg om du vil hente selv eller få varene levert."),
    ({"payment_method": ""}, "Velg hvordan du vil betale."),
    (
        {"delivery_method": "delivery", "payment_method": "pickup"},
        "Betaling ved henting kan bare velges når du henter varene selv.",
    ),
    (
        {"delivery_method": "delivery", "delivery_street": "Hytteveien 3"},
        "Fyll ut hele leveringsadressen",
    ),
    (
        {
            "delivery_method": "delivery",
            "delivery_street": "H",
            "delivery_postcode": "12",
            "delivery_city": "Rena",
        },
        "Postnummeret for leveringen må være fire siffer.",
    ),
    ({"accept_terms": ""}, "Du må bekrefte at du har lest salgsbetingelsene."),
    ({**BUSINESS_GUEST, "company_name": ""}, "Skriv inn firmanavn."),
    ({**BUSINESS_GUEST, "org_number": ""}, "Skriv inn organisasjonsnummer."),
    ({**BUSINESS_GUEST, "org_number": "12345"}, ORG_LENGTH),
    ({**BUSINESS_GUEST, "org_number": "974408598"}, "Organisasjonsnummeret er ikke gyldig."),
    ({**BUSINESS_GUEST, "org_number": "9" * 10_000}, ORG_LENGTH),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT, ids=lambda v: str(v)[:40])
def test_bad_input_gets_a_norwegian_message_and_changes_nothing(client, in_cart, change, message):
    client.get(CHECKOUT)
    before = counts()
    response = client.submit(CHECKOUT, {**PRIVATE_GUEST, **change})
    html = page(response)
    assert response.status_code == 400
    assert message in html
    assert "Ingenting er bestilt ennå." in html
    assert counts() == before


@pytest.mark.parametrize("token_source", ["expired", "other_session", "missing"])
def test_stale_csrf_token_gets_the_norwegian_message_and_nothing_is_stored(
    app, client, monkeypatch, in_cart, token_source
):
    if token_source == "expired":
        with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
            token = client.csrf_token(CHECKOUT)
    elif token_source == "other_session":
        token = app.test_client().csrf_token("/konto/logg-inn")
    else:
        token = ""
    before = counts()
    response = client.post(CHECKOUT, data={**PRIVATE_GUEST, "csrf_token": token})
    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in page(response)
    assert counts() == before


def test_sold_meanwhile_goes_back_to_the_cart_with_solgt(client, db, in_cart):
    token = client.csrf_token(CHECKOUT)
    in_cart.stock_quantity = 0  # sold in the shop while the customer filled in the form
    db.session.commit()
    before = counts()
    response = client.post(CHECKOUT, data={**PRIVATE_GUEST, "csrf_token": token})
    assert response.status_code == 303 and response.location == "/handlekurv"
    assert "«Hev-/senkebord 160 cm» er dessverre solgt." in page(client.get("/handlekurv"))
    assert counts() == before


def test_an_item_held_by_another_checkout_cannot_be_bought(client, db, in_cart):
    token = client.csrf_token(CHECKOUT)
    db.session.execute(sa.delete(StockHold))  # our hold ran out …
    make_hold(make_cart(lines={in_cart: 1}), in_cart)  # … and someone else is in checkout
    db.session.commit()
    response = client.post(CHECKOUT, data={**PRIVATE_GUEST, "csrf_token": token})
    assert response.location == "/handlekurv"
    assert "reservert av en annen kunde" in page(client.get("/handlekurv"))
    assert counts()["orders"] == 0 and counts()["stock"] == 1


def test_receipt_is_shown_only_to_the_session_that_placed_it_or_the_owner(app, client, db, in_cart):
    location = client.submit(CHECKOUT, PRIVATE_GUEST).location
    assert client.get(location).status_code == 200
    assert app.test_client().get(location).status_code == 404
    assert app.test_client().get("/kasse/bekreftelse/BKM-999999").status_code == 404


@pytest.mark.req("R3.2")
def test_order_confirmation_is_queued_with_the_order_with_lines_total_and_angrerett(
    client, db, in_cart
):
    client.submit(CHECKOUT, PRIVATE_GUEST)
    order = the_order(db)
    [mail] = db.session.scalars(sa.select(MailMessage)).all()
    assert mail.recipient == "kari.nordmann@example.no" and mail.status == "queued"
    assert mail.reference == f"order:{order.id}" and mail.kind == "order_confirmation"
    assert order.number in mail.subject
    for text in (mail.text_body, mail.html_body):
        assert order.number in text and "Hev-/senkebord 160 cm" in text
        assert format_kr(250_000) in text and format_kr(50_000) in text  # total and MVA
        assert "14 dagers angrerett" in text
        assert "Standardskjema for bruk av angrerett" in text
        assert "Faktura" in text or "faktura" in text


def test_business_confirmation_has_no_angrerett(client, db, in_cart):
    client.submit(CHECKOUT, BUSINESS_GUEST)
    mail = db.session.scalar(sa.select(MailMessage))
    assert "angrerettloven gjelder ikke" in mail.text_body
    assert "Standardskjema" not in mail.text_body and "Totalt eks. mva" in mail.text_body


@pytest.mark.req("R3.2")
def test_order_confirmation_arrives_over_smtp(client, db, in_cart, smtp_server):
    from bkm.mail.sender import send_due

    client.submit(CHECKOUT, PRIVATE_GUEST)
    order = the_order(db)
    assert send_due().sent == 1
    [message] = smtp_server.messages
    assert message["To"] == "kari.nordmann@example.no"
    assert order.number in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert order.number in text and "angrerett" in text


def test_guest_cart_token_helper_works_for_factory_carts(app, db, desk):
    """The concurrency test's way in: a factory cart handed to a fresh client's session."""
    client = app.test_client()
    give_cart(client, make_cart(lines={desk: 1}))
    assert "Hev-/senkebord 160 cm" in page(client.get(CHECKOUT))


def test_placed_order_gets_its_confirmation_document_after_commit(client, db, in_cart):
    from bkm.orders.documents import documents_of

    assert client.submit(CHECKOUT, PRIVATE_GUEST).status_code == 303
    order = the_order(db)
    assert [(d.kind, d.number) for d in documents_of(order)] == [("order_confirmation", order.id)]
