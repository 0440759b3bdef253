"""Forgotten password: the same answer for every address, a one-hour link that works once."""

from __future__ import annotations

import pytest

from bkm.accounts.tokens import make_password_token, make_verification_token
from tests.accounts.helpers import (
    STALE_FORM_MESSAGE,
    link_in,
    mails,
    signed_seconds_ago,
    user_by_email,
)
from tests.client import CSRF_INPUT
from tests.factories import DEFAULT_PASSWORD, make_customer, make_user

REQUEST_URL = "/konto/glemt-passord"
NEW_PASSWORD = "ny-lang-og-god-frase"


def _ask(client, email: str):
    return client.submit(REQUEST_URL, {"email": email})


def _login(client, email: str, password: str):
    return client.submit("/konto/logg-inn", {"email": email, "password": password})


def _set(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.submit(path, {"password": password, "password_confirm": confirm or password})


def test_unknown_and_known_addresses_get_the_same_page_and_only_known_get_mail(client, db):
    known = make_customer(email="kari@example.no")
    db.session.commit()
    client.has_chosen()  # no consent banner: its CSRF token's timestamp differs between pages

    unknown_page = _ask(client, "ingen@example.no").get_data(as_text=True)
    assert mails() == []
    known_page = _ask(client, "KARI@example.no").get_data(as_text=True)

    assert "Sjekk e-posten din" in unknown_page
    assert unknown_page.replace("ingen@example.no", "@") == known_page.replace(
        "KARI@example.no", "@"
    )
    (mail,) = mails("password_reset")
    assert mail.recipient == known.email
    assert mail.subject == "Lag nytt passord hos Brukte Kontormøbler AS"
    assert "60 minutter" in mail.text_body


def test_reset_link_sets_a_new_password_once_and_logs_in(client, db):
    user = make_customer(email="kari@example.no")
    db.session.commit()
    _ask(client, user.email)
    path = link_in(mails("password_reset")[0])

    form = client.get(path)
    assert form.status_code == 200 and "Lag nytt passord" in form.get_data(as_text=True)
    response = _set(client, path)
    assert response.status_code == 302
    assert "Passordet er lagret" in client.get("/").get_data(as_text=True)

    again = _set(client, path, "enda-et-nytt-passord")
    assert again.status_code == 410
    assert "Lenken er allerede brukt" in again.get_data(as_text=True)

    client.submit("/konto/logg-ut", form_url="/")
    assert "Feil e-post eller passord." in _login(client, user.email, DEFAULT_PASSWORD).get_data(
        as_text=True
    )
    assert _login(client, user.email, NEW_PASSWORD).status_code == 302
    assert user_by_email(user.email).email_verified_at is not None  # the link proved the address


def test_reset_link_older_than_an_hour_is_refused(client, db, monkeypatch):
    user = make_customer()
    db.session.commit()
    with signed_seconds_ago(monkeypatch, 3600 + 60):
        token = make_password_token(user, "reset")

    response = client.get(f"/konto/nytt-passord/{token}")

    assert response.status_code == 410
    assert "Lenken er utløpt" in response.get_data(as_text=True)
    assert 'href="/konto/glemt-passord"' in response.get_data(as_text=True)


def test_welcome_link_lives_seven_days(client, db, monkeypatch):
    user = make_customer(password=None)
    db.session.commit()
    with signed_seconds_ago(monkeypatch, 3 * 24 * 3600):
        fresh_enough = make_password_token(user, "welcome")
    with signed_seconds_ago(monkeypatch, 7 * 24 * 3600 + 60):
        too_old = make_password_token(user, "welcome")

    assert client.get(f"/konto/nytt-passord/{too_old}").status_code == 410
    assert client.get(f"/konto/nytt-passord/{fresh_enough}").status_code == 200


def test_tampered_and_foreign_tokens_are_refused(client, db):
    user = make_customer()
    db.session.commit()
    token = make_password_token(user, "reset")
    for bad in (token[:-4] + "abcd", make_verification_token(user), "nonsense"):
        response = client.get(f"/konto/nytt-passord/{bad}")
        assert response.status_code == 400
        assert "Lenken er ugyldig" in response.get_data(as_text=True)


def test_a_newer_password_change_makes_older_links_useless(client, db):
    user = make_customer()
    db.session.commit()
    first = make_password_token(user, "reset")
    second = make_password_token(user, "reset")

    assert _set(client, f"/konto/nytt-passord/{second}").status_code == 302
    assert client.get(f"/konto/nytt-passord/{first}").status_code == 410


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("kort", "kort", "Passordet må ha minst 10 tegn."),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "Passordene er ikke like."),
        ("", "", "Velg et passord."),
        ("x" * 10_240, "x" * 10_240, "Passordet kan ha maks 200 tegn."),
    ],
)
def test_bad_new_password_is_refused_and_the_link_still_works(
    client, db, password, confirm, message
):
    user = make_customer()
    db.session.commit()
    old_hash = user.password_hash
    path = f"/konto/nytt-passord/{make_password_token(user, 'reset')}"

    response = _set(client, path, password, confirm)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_by_email(user.email).password_hash == old_hash
    assert _set(client, path).status_code == 302


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Skriv inn e-postadresse."),
        ("kari", "Skriv en gyldig e-postadresse"),
        ("k" * 10_240, "Maks 254 tegn."),
    ],
)
def test_bad_address_in_the_request_form_is_refused_in_norwegian(client, email, message):
    response = _ask(client, email)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert mails() == []


def test_no_reset_mail_for_inactive_accounts(client, db):
    user = make_customer(is_active_account=False)
    db.session.commit()
    _ask(client, user.email)
    assert mails() == []
    assert client.get(f"/konto/nytt-passord/{make_password_token(user)}").status_code == 400


def test_repeated_requests_within_a_minute_send_one_mail(client, db):
    user = make_customer()
    db.session.commit()
    _ask(client, user.email)
    second = _ask(client, user.email)
    assert "Sjekk e-posten din" in second.get_data(as_text=True)
    assert len(mails("password_reset")) == 1


def test_guest_without_password_can_take_the_account_in_use_by_reset(client, db):
    guest = make_customer(password=None, registration_channel="checkout")
    db.session.commit()
    _ask(client, guest.email)
    assert _set(client, link_in(mails("password_reset")[0])).status_code == 302
    assert user_by_email(guest.email).password_hash


def test_staff_can_reset_their_password_too(client, db):
    staff = make_user(role="staff")
    db.session.commit()
    _ask(client, staff.email)
    assert len(mails("password_reset")) == 1


def test_stale_csrf_token_on_the_new_password_form_changes_nothing(client, db, monkeypatch):
    user = make_customer()
    db.session.commit()
    old_hash = user.password_hash
    with signed_seconds_ago(monkeypatch, 2 * 3600):  # a welcome link lives long enough
        path = f"/konto/nytt-passord/{make_password_token(user, 'welcome')}"
        token = client.csrf_token(path)

    response = client.post(
        path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in response.get_data(as_text=True)
    assert user_by_email(user.email).password_hash == old_hash


def _ask_via_host(client, email: str, host: str):
    page = client.get(REQUEST_URL, base_url=f"http://{host}").get_data(as_text=True)
    token = CSRF_INPUT.search(page).group(1)
    return client.post(
        REQUEST_URL, data={"email": email, "csrf_token": token}, base_url=f"http://{host}"
    )


@pytest.mark.parametrize("shop_url", [None, "https://bruktekontormobler.no/"])
def test_with_shop_url_set_a_forged_host_header_cannot_redirect_the_reset_link(
    app, client, db, monkeypatch, shop_url
):
    user = make_customer()
    db.session.commit()
    monkeypatch.setitem(app.config, "SHOP_URL", shop_url)

    assert _ask_via_host(client, user.email, "evil.example").status_code == 200

    (mail,) = mails("password_reset")
    if shop_url is None:  # the risk SHOP_URL removes: the link follows the Host header
        assert "http://evil.example/konto/nytt-passord/" in mail.text_body
    else:
        assert "evil.example" not in mail.text_body + mail.html_body
        assert "https://bruktekontormobler.no/konto/nytt-passord/" in mail.text_body
