"""Min side – Mine opplysninger: customers correct their own data (R9.1)."""

from __future__ import annotations

import re

import pytest

from bkm.accounts.models import User
from bkm.extensions import db
from tests.accounts.helpers import mails, signed_seconds_ago, user_by_email
from tests.factories import DEFAULT_PASSWORD, make_customer, make_order

LINK = re.compile(r"http://localhost(/min-side/opplysninger/bekreft-epost/[A-Za-z0-9_.\-]+)")


def _form(user: User, **changes) -> dict:
    fields = {
        "customer_type": user.customer_type,
        "name": user.name,
        "email": user.email,
        "phone": user.phone,
        "street": user.street,
        "postcode": user.postcode,
        "city": user.city,
        "company_name": user.company_name or "",
        "org_number": user.org_number or "",
    }
    fields.update(changes)
    return fields


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


@pytest.mark.req("R9.1")
def test_customer_corrects_name_phone_and_address_on_min_side(client, login_as):
    kari = login_as(make_customer())
    page = client.get("/min-side/opplysninger")
    assert page.status_code == 200 and kari.email in page.get_data(as_text=True)

    response = client.submit(
        "/min-side/opplysninger",
        _form(
            kari,
            name="Kari Nordmann-Hansen",
            phone="412 34 567",
            street="Torget 3",
            postcode="2408",
            city="Elverum",
        ),
    )

    assert response.status_code == 303
    fresh = _fresh(kari)
    assert (fresh.name, fresh.phone, fresh.street, fresh.postcode, fresh.city) == (
        "Kari Nordmann-Hansen",
        "+4741234567",
        "Torget 3",
        "2408",
        "Elverum",
    )
    assert "Opplysningene dine er oppdatert" in client.get("/min-side/opplysninger").get_data(
        as_text=True
    )


@pytest.mark.req("R3.4")
def test_corrected_postal_address_is_where_the_next_order_and_its_invoice_go(client, login_as):
    kari = login_as(make_customer())
    client.submit(
        "/min-side/opplysninger", _form(kari, street="Nygata 9", postcode="2411", city="Elverum")
    )
    checkout = client.get("/min-side/opplysninger").get_data(as_text=True)
    assert 'value="Nygata 9"' in checkout

    order = make_order(_fresh(kari))  # the checkout's details start from the profile
    assert (order.street, order.postcode) == ("Nygata 9", "2411")


def test_bad_input_gets_norwegian_messages_and_changes_nothing(client, login_as):
    kari = login_as(make_customer())
    before = (kari.name, kari.postcode, kari.phone)

    response = client.submit(
        "/min-side/opplysninger", _form(kari, name="", postcode="12", phone="abc")
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Skriv inn fullt navn." in page
    assert "postnummer" in page.lower()
    fresh = _fresh(kari)
    assert (fresh.name, fresh.postcode, fresh.phone) == before


@pytest.mark.req("R9.1")
def test_new_email_changes_only_after_the_link_mailed_to_it_is_opened(client, login_as):
    kari = login_as(make_customer())
    old = kari.email

    response = client.submit(
        "/min-side/opplysninger", _form(kari, email="Kari.Ny@Example.no", password=DEFAULT_PASSWORD)
    )

    assert response.status_code == 303
    assert _fresh(kari).email == old  # not yet
    (mail,) = mails("email_change")
    assert mail.recipient == "kari.ny@example.no"
    (path,) = set(LINK.findall(mail.text_body))

    confirmed = client.get(path)

    assert confirmed.status_code == 303
    fresh = _fresh(kari)
    assert fresh.email == "kari.ny@example.no" and fresh.email_verified_at is not None
    (notice,) = mails("email_changed")
    assert notice.recipient == old
    # The session was renewed with the new fingerprint: the customer stays logged in.
    assert client.get("/min-side/").status_code == 200
    # The link has done its job.
    assert client.get(path).status_code == 410


def test_new_email_needs_the_right_password(client, login_as):
    kari = login_as(make_customer())

    missing = client.submit("/min-side/opplysninger", _form(kari, email="ny@example.no"))
    wrong = client.submit(
        "/min-side/opplysninger", _form(kari, email="ny@example.no", password="feil-passord-123")
    )

    assert missing.status_code == 400 and "Skriv passordet ditt" in missing.get_data(as_text=True)
    assert wrong.status_code == 400 and "Feil passord" in wrong.get_data(as_text=True)
    assert mails("email_change") == []
    assert _fresh(kari).email != "ny@example.no"


def test_an_address_of_another_account_is_refused(client, login_as):
    other = make_customer()
    kari = login_as(make_customer())

    response = client.submit(
        "/min-side/opplysninger", _form(kari, email=other.email, password=DEFAULT_PASSWORD)
    )

    assert response.status_code == 400
    assert "hører til en annen konto" in response.get_data(as_text=True)
    assert mails("email_change") == []


def test_expired_and_tampered_email_links_fail_cleanly(client, login_as, monkeypatch):
    kari = login_as(make_customer())
    with signed_seconds_ago(monkeypatch, 3 * 24 * 3600, salt="bkm.accounts.change-email"):
        client.submit(
            "/min-side/opplysninger",
            _form(kari, email="gammel@example.no", password=DEFAULT_PASSWORD),
        )
    (old_mail,) = mails("email_change")
    (old_path,) = set(LINK.findall(old_mail.text_body))

    assert client.get(old_path).status_code == 410
    assert client.get(old_path[:-3] + "xyz").status_code == 400
    assert user_by_email("gammel@example.no") is None


def test_a_link_opened_by_another_customer_changes_nothing(app, client, login_as):
    kari = login_as(make_customer())
    client.submit(
        "/min-side/opplysninger", _form(kari, email="kari2@example.no", password=DEFAULT_PASSWORD)
    )
    (mail,) = mails("email_change")
    (path,) = set(LINK.findall(mail.text_body))

    other_browser = app.test_client()
    ola = make_customer()
    db.session.commit()
    other_browser.submit("/konto/logg-inn", {"email": ola.email, "password": DEFAULT_PASSWORD})

    assert other_browser.get(path).status_code == 404
    assert user_by_email("kari2@example.no") is None
    assert client.get(path).status_code == 303  # Kari's own browser still can


def test_staff_have_no_min_side_and_visitors_go_to_login(client, login_as, staff):
    assert client.get("/min-side/").status_code == 302
    login_as(staff)
    assert client.get("/min-side/").status_code == 403
    assert client.get("/min-side/opplysninger").status_code == 403
