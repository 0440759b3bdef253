"""Registering on /konto/registrer (R1.1, R2.1): what is stored, and every refusal in Norwegian."""

from __future__ import annotations

import pytest

from bkm.accounts.passwords import verify_password
from tests.accounts.helpers import (
    STALE_FORM_MESSAGE,
    link_in,
    mails,
    signed_seconds_ago,
    user_by_email,
    user_count,
)
from tests.factories import make_customer

URL = "/konto/registrer"
PASSWORD = "furu-bjørk-gran-osp"

PRIVATE = {
    "customer_type": "private",
    "name": "  Kari Nordmann ",
    "street": "Storgata 12",
    "postcode": "2408",
    "city": "Elverum",
    "email": " Kari.Nordmann@Example.NO ",
    "phone": "412 34 567",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}
BUSINESS = {
    **PRIVATE,
    "customer_type": "business",
    "company_name": "Hedmark Regnskap AS",
    "org_number": "923 609 016",
    "email": "post@hedmarkregnskap.no",
}
TEN_KB = "x" * 10_240


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.req("R1.1")
@pytest.mark.req("R2.1")
def test_private_customer_registers_and_is_logged_in_with_a_verification_mail(client):
    response = client.submit(URL, PRIVATE)

    assert response.status_code == 302
    user = user_by_email("kari.nordmann@example.no")
    assert user is not None
    assert (user.name, user.street, user.postcode, user.city) == (
        "Kari Nordmann",
        "Storgata 12",
        "2408",
        "Elverum",
    )
    assert user.phone == "+4741234567"
    assert (user.role, user.customer_type, user.registration_channel) == (
        "customer",
        "private",
        "web",
    )
    assert user.company_name is None and user.org_number is None
    assert user.registered_by_id is None and user.email_verified_at is None
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)

    front = page(client.get("/"))
    assert "Kari Nordmann" in front and "Kontoen din er opprettet" in front

    (mail,) = mails("account_verification")
    assert mail.recipient == "kari.nordmann@example.no"
    assert mail.reference == f"user:{user.id}"
    assert mail.subject == "Bekreft e-postadressen din hos Brukte Kontormøbler AS"
    assert "Hei Kari Nordmann!" in mail.text_body
    assert client.get(link_in(mail)).status_code == 302
    assert user_by_email("kari.nordmann@example.no").email_verified_at is not None


@pytest.mark.req("R1.1")
@pytest.mark.req("R2.1")
def test_business_customer_registers_with_company_and_bare_org_number(client):
    response = client.submit(URL, BUSINESS)

    assert response.status_code == 302
    user = user_by_email("post@hedmarkregnskap.no")
    assert (user.customer_type, user.company_name, user.org_number) == (
        "business",
        "Hedmark Regnskap AS",
        "923609016",
    )
    assert len(mails("account_verification")) == 1


def test_company_fields_sent_by_a_private_customer_are_not_stored(client):
    data = {**PRIVATE, "company_name": "Skal ikke lagres AS", "org_number": "12"}
    assert client.submit(URL, data).status_code == 302
    user = user_by_email("kari.nordmann@example.no")
    assert user.company_name is None and user.org_number is None


def test_registration_page_has_no_preselected_choice_and_links_to_privacy(client):
    html = page(client.get(URL))
    assert "checked" not in html
    assert 'href="/personvern"' in html
    assert 'autocomplete="new-password"' in html


REFUSALS = [
    ("customer_type", None, "Velg privatperson eller bedrift."),
    ("customer_type", "alien", "Velg privatperson eller bedrift."),
    ("name", "", "Skriv inn fullt navn."),
    ("name", "   ", "Skriv inn fullt navn."),
    ("name", TEN_KB, "Maks 200 tegn."),
    ("name", "Kari\x00Nordmann", "Feltet inneholder tegn som ikke er tillatt."),
    ("street", "", "Skriv inn gateadresse."),
    ("street", TEN_KB, "Maks 200 tegn."),
    ("street", "Storgata 1\r\nBcc: x@example.no", "Feltet inneholder tegn som ikke er tillatt."),
    ("postcode", "", "Skriv inn postnummer."),
    ("postcode", "123", "Postnummeret må være fire siffer, for eksempel 2411."),
    ("postcode", "abcd", "Postnummeret må være fire siffer, for eksempel 2411."),
    ("postcode", "24080", "Postnummeret må være fire siffer, for eksempel 2411."),
    ("postcode", TEN_KB, "Postnummeret må være fire siffer, for eksempel 2411."),
    ("city", "", "Skriv inn poststed."),
    ("city", TEN_KB, "Maks 100 tegn."),
    ("email", "", "Skriv inn e-postadresse."),
    ("email", "kari@", "Skriv en gyldig e-postadresse, for eksempel navn@firma.no."),
    ("email", "kari.example.no", "Skriv en gyldig e-postadresse, for eksempel navn@firma.no."),
    ("email", TEN_KB + "@example.no", "Maks 254 tegn."),
    ("phone", "", "Skriv inn telefonnummer."),
    ("phone", "123", "Telefonnummeret er ikke gyldig."),
    ("phone", "tolv", "Telefonnummeret er ikke gyldig."),
    ("phone", TEN_KB, "Maks 30 tegn."),
    ("password", "", "Velg et passord."),
    ("password", "kort-pass", "Passordet må ha minst 10 tegn."),
    ("password", TEN_KB, "Passordet kan ha maks 200 tegn."),
    ("password_confirm", "", "Skriv passordet en gang til."),
    ("password_confirm", PASSWORD + "!", "Passordene er ikke like."),
]


@pytest.mark.req("R1.1")
@pytest.mark.parametrize(("field", "value", "message"), REFUSALS)
def test_bad_input_is_refused_in_norwegian_and_nothing_is_stored(client, field, value, message):
    data = dict(PRIVATE)
    if value is None:
        del data[field]
    else:
        data[field] = value

    response = client.submit(URL, data)

    assert response.status_code == 200
    html = page(response)
    assert message in html
    assert 'aria-invalid="true"' in html or field == "customer_type"
    assert user_count() == 0
    assert mails() == []


BUSINESS_REFUSALS = [
    ("company_name", "", "Skriv inn firmanavn."),
    ("company_name", TEN_KB, "Maks 200 tegn."),
    ("org_number", "", "Skriv inn organisasjonsnummer."),
    ("org_number", "12345678", "Organisasjonsnummeret må være ni siffer"),
    ("org_number", "abcdefghi", "Organisasjonsnummeret må være ni siffer"),
    ("org_number", "923 609 017", "Organisasjonsnummeret er ikke gyldig."),
    ("org_number", TEN_KB, "Organisasjonsnummeret må være ni siffer"),
]


@pytest.mark.req("R2.1")
@pytest.mark.parametrize(("field", "value", "message"), BUSINESS_REFUSALS)
def test_business_fields_are_required_and_checked_for_businesses(client, field, value, message):
    response = client.submit(URL, {**BUSINESS, field: value})

    assert response.status_code == 200
    assert message in page(response)
    assert user_count() == 0
    assert mails() == []


def test_every_field_missing_gives_one_message_per_field_and_keeps_nothing(client):
    response = client.submit(URL, {})

    html = page(response)
    for message in (
        "Velg privatperson eller bedrift.",
        "Skriv inn fullt navn.",
        "Skriv inn gateadresse.",
        "Skriv inn postnummer.",
        "Skriv inn poststed.",
        "Skriv inn e-postadresse.",
        "Skriv inn telefonnummer.",
        "Velg et passord.",
    ):
        assert html.count(message) == 1, message
    assert "Skriv inn firmanavn." not in html  # not a business: not asked for
    assert user_count() == 0


def test_entered_values_are_kept_but_passwords_are_not_echoed(client):
    html = page(client.submit(URL, {**PRIVATE, "postcode": "123"}))
    assert 'value="Storgata 12"' in html
    assert PASSWORD not in html


@pytest.mark.req("R1.1")
def test_taken_email_is_refused_whatever_its_case_and_nothing_changes(client, db):
    existing = make_customer(email="kari.nordmann@example.no", name="Kari Fra Før")
    db.session.commit()

    response = client.submit(URL, {**PRIVATE, "email": "KARI.Nordmann@example.no"})

    assert response.status_code == 200
    assert "Det finnes allerede en konto med denne e-postadressen." in page(response)
    assert 'href="/konto/glemt-passord"' in page(response) or "nytt passord" in page(response)
    assert user_count() == 1
    assert user_by_email(existing.email).name == "Kari Fra Før"
    assert mails() == []


def test_a_guest_from_checkout_cannot_take_over_the_row_by_registering(client, db):
    make_customer(email="kari.nordmann@example.no", password=None, registration_channel="checkout")
    db.session.commit()

    response = client.submit(URL, PRIVATE)

    assert "Det finnes allerede en konto" in page(response)
    assert user_by_email("kari.nordmann@example.no").password_hash is None


@pytest.mark.parametrize(
    "token_source",
    ["expired", "other_session"],
)
def test_stale_csrf_token_gets_the_norwegian_message_and_nothing_is_stored(
    app, client, monkeypatch, token_source
):
    if token_source == "expired":
        with signed_seconds_ago(monkeypatch, 2 * 3600):
            token = client.csrf_token(URL)
    else:
        token = app.test_client().csrf_token(URL)

    response = client.post(URL, data={**PRIVATE, "csrf_token": token})

    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in page(response)
    assert user_count() == 0
    assert mails() == []


def test_logged_in_customer_is_sent_away_from_the_registration_page(client, login_as, customer):
    login_as(customer)
    response = client.get(URL)
    assert response.status_code == 302


def test_registration_logs_in_on_a_fresh_session(client):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.submit(URL, PRIVATE)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_login_page_links_to_registration_and_forgotten_password(client):
    html = page(client.get("/konto/logg-inn"))
    assert 'href="/konto/registrer"' in html and 'href="/konto/glemt-passord"' in html
