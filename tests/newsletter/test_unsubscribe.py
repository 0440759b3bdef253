"""Leaving the newsletter (R3.6, R3.8): one click in every newsletter (RFC 8058 one-click too),
no login, a second click harmless, forged or old links refused, and what leaving deletes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bkm.consent.models import ConsentRecord
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.outbox import queue_mail
from bkm.newsletter.models import Newsletter, NewsletterRecipient, Subscription
from bkm.newsletter.subscriptions import (
    CONFIRM_MAIL,
    request_subscription,
    unsubscribe,
    unsubscribe_headers,
    unsubscribe_url,
)
from bkm.newsletter.tokens import confirm_token, unsubscribe_token
from tests.accounts.helpers import mails, signed_seconds_ago
from tests.client import CSRF_INPUT
from tests.factories import make_customer

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
DAY = 24 * 3600


def page(response) -> str:
    return response.get_data(as_text=True)


def subscription(user_id: int) -> Subscription | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Subscription).where(Subscription.user_id == user_id))


def withdrawals(user_id: int) -> list[ConsentRecord]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(ConsentRecord).where(
                ConsentRecord.user_id == user_id, ConsentRecord.action == "withdraw"
            )
        )
    )


def subscribed(app, client, user=None):
    """A customer with a confirmed subscription, through the real confirmation link."""
    user = user or make_customer()
    with app.test_request_context(base_url="http://localhost"):
        request_subscription(user, "registration")
    db.session.commit()
    assert client.get(f"/nyhetsbrev/bekreft/{confirm_token(user.id)}").status_code == 200
    assert subscription(user.id).status == "confirmed"
    return user


def path_of(user_id: int) -> str:
    return f"/nyhetsbrev/avmeld/{unsubscribe_token(user_id)}"


@pytest.mark.req("R3.6")
@pytest.mark.req("R3.8")
def test_a_one_click_post_from_a_mail_client_without_cookies_unsubscribes(app, client):
    customer = subscribed(app, client)
    with app.test_request_context(base_url="http://localhost"):
        headers = unsubscribe_headers(customer.id)
    url = headers["List-Unsubscribe"].strip("<>")
    mail_client = app.test_client()  # a fresh client: no session, no cookies, no CSRF token

    response = mail_client.post(
        url,
        data=ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "Du er meldt av nyhetsbrevet" in page(response)
    assert subscription(customer.id) is None
    (record,) = withdrawals(customer.id)
    assert (record.refused, record.granted, record.channel) == ("newsletter", "", "email")


@pytest.mark.req("R3.8")
def test_a_one_click_post_as_multipart_form_data_works_too(app, client):
    customer = subscribed(app, client)

    response = app.test_client().post(path_of(customer.id), data=ONE_CLICK)  # multipart

    assert response.status_code == 200 and subscription(customer.id) is None


@pytest.mark.req("R3.6")
def test_a_second_click_is_harmless(app, client):
    customer = subscribed(app, client)
    first = app.test_client().post(path_of(customer.id), data=ONE_CLICK)
    second = app.test_client().post(path_of(customer.id), data=ONE_CLICK)

    assert first.status_code == second.status_code == 200
    assert "Du er meldt av nyhetsbrevet" in page(second)
    assert len(withdrawals(customer.id)) == 1  # nothing left to withdraw the second time
    assert subscription(customer.id) is None


@pytest.mark.req("R3.8")
def test_the_link_shows_one_button_and_only_the_post_unsubscribes(app, client):
    customer = subscribed(app, client)
    url = path_of(customer.id)

    shown = client.get(url)

    html = page(shown)
    assert shown.status_code == 200 and "Meld meg av" in html
    assert html.count('data-testid="unsubscribe-button"') == 1
    assert CSRF_INPUT.search(html.split('data-testid="unsubscribe-form"', 1)[1])
    assert subscription(customer.id).status == "confirmed"  # a link scanner's GET does nothing

    pressed = client.submit(url)  # the page's own form, as a browser posts it

    assert pressed.status_code == 200 and "Du er meldt av nyhetsbrevet" in page(pressed)
    assert subscription(customer.id) is None


def test_leaving_works_while_new_terms_wait_for_an_answer(app, client, login_as):
    customer = make_customer(answered_terms=False)
    db.session.commit()
    with app.test_request_context(base_url="http://localhost"):
        request_subscription(customer, "staff")
    db.session.commit()
    login_as(customer)
    gated = client.get("/konto/markedsforing")
    assert gated.status_code == 303 and "/samtykke/nye-vilkar" in gated.location

    assert client.get(path_of(customer.id)).status_code == 200
    assert client.post(path_of(customer.id), data=ONE_CLICK).status_code == 200
    assert subscription(customer.id) is None


def test_tampered_and_foreign_unsubscribe_links_are_refused_and_unsubscribe_nobody(app, client):
    customer = subscribed(app, client)
    token = unsubscribe_token(customer.id)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    other = app.test_client()

    for bad in (tampered, confirm_token(customer.id), "x", "a" * 400):
        for response in (
            other.get(f"/nyhetsbrev/avmeld/{bad}"),
            other.post(f"/nyhetsbrev/avmeld/{bad}", data=ONE_CLICK),
        ):
            assert response.status_code == 400, bad
            assert "Lenken er ugyldig" in page(response)
    assert subscription(customer.id).status == "confirmed"
    assert withdrawals(customer.id) == []


def test_an_unsubscribe_link_older_than_a_year_has_expired(app, client, monkeypatch):
    customer = subscribed(app, client)
    with signed_seconds_ago(monkeypatch, 367 * DAY):
        old = unsubscribe_token(customer.id)
    with signed_seconds_ago(monkeypatch, 300 * DAY):
        still_good = unsubscribe_token(customer.id)

    for response in (
        client.get(f"/nyhetsbrev/avmeld/{old}"),
        app.test_client().post(f"/nyhetsbrev/avmeld/{old}", data=ONE_CLICK),
    ):
        assert response.status_code == 410 and "Lenken er utløpt" in page(response)
    assert subscription(customer.id).status == "confirmed"

    ok = app.test_client().post(f"/nyhetsbrev/avmeld/{still_good}", data=ONE_CLICK)
    assert ok.status_code == 200 and subscription(customer.id) is None


def test_a_link_for_an_account_that_no_longer_exists_is_harmless(app, client):
    customer = make_customer()
    db.session.commit()
    url = path_of(customer.id)
    db.session.delete(customer)
    db.session.commit()

    response = app.test_client().post(url, data=ONE_CLICK)

    assert response.status_code == 200 and "Du er meldt av nyhetsbrevet" in page(response)


def test_unsubscribe_headers_for_the_sender(app):
    customer = make_customer()
    db.session.commit()
    with app.test_request_context(base_url="http://localhost"):
        headers = unsubscribe_headers(customer.id)
        url = unsubscribe_url(customer.id)

    assert headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert url.startswith("http://localhost/nyhetsbrev/avmeld/")


def test_the_unsubscribe_url_outside_a_request_uses_the_shop_url(app, monkeypatch):
    customer = make_customer()
    db.session.commit()
    monkeypatch.setitem(app.config, "SHOP_URL", "https://bruktekontormobler.no")

    url = unsubscribe_url(customer.id)

    assert url.startswith("https://bruktekontormobler.no/nyhetsbrev/avmeld/")
    monkeypatch.setitem(app.config, "SHOP_URL", None)
    with pytest.raises(RuntimeError):
        unsubscribe_url(customer.id)


@pytest.mark.req("R3.6")
def test_leaving_deletes_what_the_consent_kept_and_keeps_the_proof_and_the_sent_log(app, client):
    customer = make_customer()
    bystander = make_customer()
    db.session.commit()
    with app.test_request_context(base_url="http://localhost"):
        request_subscription(customer, "mypage")  # pending: its confirmation mail is queued
        request_subscription(bystander, "mypage")
    earlier, current, later = (
        Newsletter(subject=f"Nyhetsbrev {n}", status="sending") for n in (1, 2, 3)
    )
    db.session.add_all([earlier, current, later])
    db.session.flush()
    delivered = queue_mail("test_greeting", customer.email, name="Kari")
    delivered.status = "sent"
    waiting = queue_mail("test_greeting", customer.email, name="Kari")
    db.session.flush()
    db.session.add_all(
        [
            NewsletterRecipient(
                newsletter_id=earlier.id, user_id=customer.id, status="sent", mail_id=delivered.id
            ),
            NewsletterRecipient(
                newsletter_id=current.id, user_id=customer.id, status="sent", mail_id=waiting.id
            ),
            NewsletterRecipient(newsletter_id=later.id, user_id=customer.id, status="queued"),
        ]
    )
    db.session.commit()
    delivered_id, waiting_id = delivered.id, waiting.id

    assert unsubscribe(customer.id, "email") is True
    db.session.commit()

    db.session.expire_all()
    assert subscription(customer.id) is None
    assert subscription(bystander.id) is not None  # nobody else's
    assert [m.recipient for m in mails(CONFIRM_MAIL)] == [bystander.email]
    assert db.session.get(MailMessage, waiting_id) is None  # unsent: gone
    assert db.session.get(MailMessage, delivered_id) is not None  # sent: the log stays
    recipients = {
        r.newsletter_id: (r.status, r.mail_id)
        for r in db.session.scalars(
            sa.select(NewsletterRecipient).where(NewsletterRecipient.user_id == customer.id)
        )
    }
    assert recipients == {
        earlier.id: ("sent", delivered_id),
        current.id: ("skipped", None),
        later.id: ("skipped", None),
    }
    # The proof stays: the request and the withdrawal are both in the ledger.
    db.session.expire_all()
    actions = db.session.scalars(
        sa.select(ConsentRecord.action)
        .where(ConsentRecord.user_id == customer.id, ConsentRecord.channel != "registration")
        .order_by(ConsentRecord.id)
    ).all()
    assert actions == ["accept", "withdraw"]


def test_unsubscribing_when_not_subscribed_records_nothing(app):
    customer = make_customer()
    db.session.commit()

    assert unsubscribe(customer.id, "mypage") is False
    db.session.commit()

    assert withdrawals(customer.id) == []
