"""Staff register customers who called, wrote or came by (R2.1), and find them again."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import (
    CSRF_SALT,
    STALE_FORM_MESSAGE,
    link_in,
    mails,
    signed_seconds_ago,
    user_by_email,
    user_count,
)
from tests.factories import make_customer

NEW_URL = "/admin/kunder/ny"
PHONE_CUSTOMER = {
    "channel": "phone",
    "customer_type": "business",
    "company_name": "Glåmdal Eiendom AS",
    "org_number": "923609016",
    "name": "Håkon Moen",
    "street": "Jernbanegata 22",
    "postcode": "2609",
    "city": "Lillehammer",
    "email": "Hakon@Glamdal-Eiendom.no",
    "phone": "62 41 79 05",
}


@pytest.mark.req("R2.1")
def test_staff_registers_a_customer_who_phoned_and_the_customer_gets_a_welcome_mail(
    client, login_as, staff
):
    login_as(staff)

    response = client.submit(NEW_URL, PHONE_CUSTOMER)

    assert response.status_code == 302
    customer = user_by_email("hakon@glamdal-eiendom.no")
    assert customer.registration_channel == "phone"
    assert customer.registered_by_id == staff.id
    assert customer.password_hash is None and customer.role == "customer"
    assert (customer.phone, customer.org_number, customer.company_name) == (
        "+4762417905",
        "923609016",
        "Glåmdal Eiendom AS",
    )
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Håkon Moen er registrert som kunde" in listing
    assert "62 41 79 05" in listing and "Telefon" in listing

    (mail,) = mails("customer_welcome")
    assert mail.recipient == "hakon@glamdal-eiendom.no"
    assert mail.subject == "Velkommen som kunde hos Brukte Kontormøbler AS"
    assert "da du ringte oss" in mail.text_body and "Glåmdal Eiendom AS" in mail.text_body
    assert "7 dager" in mail.text_body

    # The customer follows the link, chooses a password and is in.
    client.submit("/konto/logg-ut", form_url="/")
    path = link_in(mail)
    assert "Lag passord" in client.get(path).get_data(as_text=True)
    done = client.submit(
        path, {"password": "min-egen-frase-2026", "password_confirm": "min-egen-frase-2026"}
    )
    assert done.status_code == 302
    customer = user_by_email("hakon@glamdal-eiendom.no")
    assert customer.password_hash and customer.email_verified_at is not None
    assert client.get(path).status_code == 410


@pytest.mark.req("R2.1")
@pytest.mark.parametrize(
    ("channel", "words"), [("email", "etter e-posten din"), ("in_person", "da du var innom oss")]
)
def test_channel_email_and_in_person_are_recorded(client, login_as, staff, channel, words):
    login_as(staff)
    data = {**PHONE_CUSTOMER, "channel": channel, "customer_type": "private"}
    assert client.submit(NEW_URL, data).status_code == 302
    customer = user_by_email("hakon@glamdal-eiendom.no")
    assert customer.registration_channel == channel
    assert customer.company_name is None
    assert words in mails("customer_welcome")[0].text_body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("channel", None, "Velg hvordan kunden tok kontakt."),
        ("channel", "web", "Velg hvordan kunden tok kontakt."),
        ("channel", "checkout", "Velg hvordan kunden tok kontakt."),
        ("org_number", "923609017", "Organisasjonsnummeret er ikke gyldig."),
        ("postcode", "123", "Postnummeret må være fire siffer"),
        ("phone", "123", "Telefonnummeret er ikke gyldig."),
        ("name", "x" * 10_240, "Maks 200 tegn."),
        ("email", "", "Skriv inn e-postadresse."),
    ],
)
def test_staff_form_refuses_bad_input_in_norwegian(client, login_as, staff, field, value, message):
    login_as(staff)
    before = user_count()
    data = dict(PHONE_CUSTOMER)
    if value is None:
        del data[field]
    else:
        data[field] = value

    response = client.submit(NEW_URL, data)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_count() == before
    assert mails() == []


def test_staff_form_refuses_a_taken_email(client, login_as, staff, db):
    make_customer(email="hakon@glamdal-eiendom.no")
    db.session.commit()
    login_as(staff)
    before = user_count()

    response = client.submit(NEW_URL, PHONE_CUSTOMER)

    assert "Det finnes allerede en kunde med denne e-postadressen." in response.get_data(
        as_text=True
    )
    assert user_count() == before
    assert mails() == []


def test_staff_form_with_a_stale_csrf_token_stores_nothing(client, login_as, staff, monkeypatch):
    login_as(staff)
    before = user_count()
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(NEW_URL)

    response = client.post(NEW_URL, data={**PHONE_CUSTOMER, "csrf_token": token})

    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in response.get_data(as_text=True)
    assert user_count() == before
    assert mails() == []


@pytest.fixture
def directory(db):
    people = {
        "kari": make_customer(name="Kari Nordmann", email="kari@example.no", phone="+4741234567"),
        "oystein": make_customer(name="Øystein Løken", email="oystein@example.no"),
        "firma": make_customer(
            customer_type="business", name="Per Olsen", company_name="Rena Rørleggerservice AS"
        ),
    }
    db.session.commit()
    return people


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kari", {"kari"}),
        ("NORDMANN kari", {"kari"}),
        ("oystein@example", {"oystein"}),
        ("øystein", {"oystein"}),
        ("ØYSTEIN", {"oystein"}),
        ("412 34 567", {"kari"}),
        ("+47 41234567", {"kari"}),
        ("rørlegger", {"firma"}),
        ("", {"kari", "oystein", "firma"}),
        ("ingen slik", set()),
        ("100%_", set()),
    ],
)
def test_staff_search_customers_by_name_email_phone_or_company(
    client, login_as, staff, directory, query, expected
):
    login_as(staff)
    html = client.get("/admin/kunder", query_string={"q": query}).get_data(as_text=True)
    found = {key for key, person in directory.items() if person.email in html}
    assert found == expected
    assert staff.email not in html  # staff are not customers
    if not expected:
        assert 'data-testid="no-results"' in html


def test_customer_list_is_paginated(client, login_as, staff, db):
    for _ in range(27):
        make_customer()
    db.session.commit()
    login_as(staff)

    first = client.get("/admin/kunder").get_data(as_text=True)
    second = client.get("/admin/kunder?side=2").get_data(as_text=True)

    assert "Viser 1–25 av 27 kunder" in first and 'data-testid="pagination"' in first
    assert "Viser 26–27 av 27 kunder" in second
    assert client.get("/admin/kunder?side=3").status_code == 404
    assert client.get("/admin/kunder?side=abc").status_code == 404


def test_overlong_or_odd_search_is_answered_in_norwegian(client, login_as, staff):
    login_as(staff)
    response = client.get("/admin/kunder", query_string={"q": "x" * 10_240})
    assert response.status_code == 200
    assert "Søket kan ha maks 100 tegn." in response.get_data(as_text=True)
    odd = client.get("/admin/kunder", query_string={"q": "kari\x00"})
    assert odd.status_code == 200
    assert "Feltet inneholder tegn som ikke er tillatt." in odd.get_data(as_text=True)
