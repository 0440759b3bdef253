"""E-mail verification: a signed 7-day link that works once, and asking for a new one."""

from __future__ import annotations

from bkm.accounts.tokens import make_password_token, make_verification_token
from bkm.accounts.verification import queue_verification_mail
from bkm.extensions import db
from tests.accounts.helpers import link_in, mails, signed_seconds_ago, user_by_email
from tests.factories import make_customer

DAY = 24 * 3600


def _verify_url(token: str) -> str:
    return f"/konto/bekreft/{token}"


def test_verification_link_from_the_mail_works_once(app, client):
    user = make_customer()
    with app.test_request_context(base_url="http://localhost"):
        queue_verification_mail(user)
    db.session.commit()
    path = link_in(mails("account_verification")[0])

    first = client.get(path)
    assert first.status_code == 302
    assert "er bekreftet" in client.get("/").get_data(as_text=True)
    assert user_by_email(user.email).email_verified_at is not None

    second = client.get(path)
    assert second.status_code == 410
    assert "Lenken er allerede brukt" in second.get_data(as_text=True)


def test_verification_link_older_than_seven_days_is_refused(client, monkeypatch):
    user = make_customer()
    db.session.commit()
    with signed_seconds_ago(monkeypatch, 7 * DAY + 60):
        token = make_verification_token(user)

    response = client.get(_verify_url(token))

    assert response.status_code == 410
    assert "Lenken er utløpt" in response.get_data(as_text=True)
    assert user_by_email(user.email).email_verified_at is None


def test_verification_link_six_days_old_still_works(client, monkeypatch):
    user = make_customer()
    db.session.commit()
    with signed_seconds_ago(monkeypatch, 6 * DAY):
        token = make_verification_token(user)
    assert client.get(_verify_url(token)).status_code == 302


def test_tampered_or_foreign_tokens_are_refused(client):
    user = make_customer()
    db.session.commit()
    token = make_verification_token(user)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    password_token = make_password_token(user, "reset")

    for bad in (tampered, password_token, "x", "a" * 300):
        response = client.get(_verify_url(bad))
        assert response.status_code == 400, bad
        assert "Lenken er ugyldig" in response.get_data(as_text=True)
    assert user_by_email(user.email).email_verified_at is None


def test_link_for_an_address_that_has_changed_since_is_refused(client):
    user = make_customer(email="gammel@example.no")
    db.session.commit()
    token = make_verification_token(user)
    user.email = "ny@example.no"
    db.session.commit()

    assert client.get(_verify_url(token)).status_code == 400
    assert user_by_email("ny@example.no").email_verified_at is None


def test_logged_in_customer_can_ask_for_a_new_link_but_not_twice_a_minute(client, login_as):
    user = login_as(make_customer())
    url = "/konto/send-bekreftelse"

    assert "Send ny lenke" in client.get(url).get_data(as_text=True)
    first = client.submit(url, form_url=url, follow_redirects=True)
    assert "Vi har sendt en ny lenke" in first.get_data(as_text=True)
    second = client.submit(url, form_url=url, follow_redirects=True)
    assert "for under ett minutt siden" in second.get_data(as_text=True)

    (mail,) = mails("account_verification")
    assert mail.recipient == user.email
    assert client.get(link_in(mail)).status_code == 302


def test_asking_for_a_new_link_when_already_verified_sends_nothing(client, login_as, db):
    from bkm.clock import utcnow

    login_as(make_customer(email_verified_at=utcnow()))
    response = client.get("/konto/send-bekreftelse", follow_redirects=True)
    assert "allerede bekreftet" in response.get_data(as_text=True)
    assert mails() == []


def test_asking_for_a_new_link_needs_a_login(client):
    response = client.get("/konto/send-bekreftelse")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/logg-inn")


def test_expired_link_page_offers_a_new_link_to_logged_in_customers(client, login_as, monkeypatch):
    user = login_as(make_customer())
    with signed_seconds_ago(monkeypatch, 8 * DAY):
        token = make_verification_token(user)
    html = client.get(_verify_url(token)).get_data(as_text=True)
    assert 'href="/konto/send-bekreftelse"' in html
