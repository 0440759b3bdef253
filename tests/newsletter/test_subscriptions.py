"""Subscribing with double opt-in (R3.3, R3.8): the boxes, the mail, the link, the ledger."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bkm.consent.models import ConsentRecord
from bkm.consent.state import latest_answer
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.sender import send_due
from bkm.newsletter.models import Subscription
from bkm.newsletter.subscriptions import (
    CONFIRM_MAIL,
    is_subscribed,
    request_subscription,
    subscribers,
    unsubscribe,
)
from bkm.newsletter.tokens import confirm_token, unsubscribe_token
from bkm.orders.models import Order
from tests.accounts.helpers import mails, signed_seconds_ago, user_by_email
from tests.cart.checkout_helpers import CHECKOUT, PRIVATE_GUEST
from tests.cart.conftest import SAME_ORIGIN
from tests.factories import make_category, make_customer, make_product

LABEL = (
    "Ja, send meg nyhetsbrev med nyheter og tilbud på e-post. Du kan melde deg av når som helst."
)
CONFIRM_LINK = re.compile(r"http://localhost(/nyhetsbrev/bekreft/[A-Za-z0-9_.\-]+)")
BOX = re.compile(r"<input[^>]*name=\"nyhetsbrev\"[^>]*>")
PASSWORD = "furu-bjørk-gran-osp"
REGISTRATION = {
    "customer_type": "private",
    "name": "Kari Nordmann",
    "street": "Storgata 12",
    "postcode": "2408",
    "city": "Elverum",
    "email": "kari.nordmann@example.no",
    "phone": "412 34 567",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}
DAY = 24 * 3600


def page(response) -> str:
    return response.get_data(as_text=True)


def subscription(user_id: int) -> Subscription | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Subscription).where(Subscription.user_id == user_id))


def newsletter_rows(user_id: int) -> list[ConsentRecord]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(ConsentRecord)
            .where(
                ConsentRecord.user_id == user_id,
                (ConsentRecord.granted == "newsletter") | (ConsentRecord.refused == "newsletter"),
            )
            .order_by(ConsentRecord.id)
        )
    )


def steps(user_id: int) -> list[tuple[str, str, str, str]]:
    return [(r.action, r.granted, r.refused, r.channel) for r in newsletter_rows(user_id)]


def ask(app, user, source: str = "mypage") -> Subscription:
    """request_subscription as a view calls it: inside a request, then commit."""
    with app.test_request_context(base_url="http://localhost"):
        found = request_subscription(user, source)
    db.session.commit()
    return found


def subscriber_ids() -> list[int]:
    db.session.expire_all()
    return [user.id for user in db.session.scalars(subscribers())]


def the_box(html: str) -> str:
    (box,) = BOX.findall(html)
    return box


@pytest.fixture
def desk(db):
    product = make_product(
        category=make_category(slug="skrivebord", name="Skrivebord"),
        slug="hev-senkebord",
        title="Hev-/senkebord 160 cm",
        price_ore=250_000,
        stock_quantity=1,
    )
    db.session.commit()
    return product


@pytest.fixture
def in_cart(client, desk):
    response = client.post(
        "/handlekurv/legg-til",
        data={"product_id": str(desk.id), "quantity": "1"},
        headers=SAME_ORIGIN,
    )
    assert response.status_code in (302, 303)
    return desk


# --- the boxes ----------------------------------------------------------------------


@pytest.mark.req("R3.8")
def test_registration_form_has_its_own_newsletter_box_never_ticked(client):
    html = page(client.get("/konto/registrer"))

    box = the_box(html)
    assert 'type="checkbox"' in box and "checked" not in box
    assert LABEL in html
    # Apart from the cookie purposes: its own name, not one of the "formaal" switches.
    assert 'name="formaal" value="newsletter"' not in html


@pytest.mark.req("R3.8")
def test_checkout_has_its_own_newsletter_box_never_ticked_for_guests_and_customers(
    client, in_cart, login_as
):
    guest_html = page(client.get(CHECKOUT))
    assert "checked" not in the_box(guest_html) and LABEL in guest_html

    login_as(make_customer())
    customer_html = page(client.get(CHECKOUT))
    assert "checked" not in the_box(customer_html) and LABEL in customer_html


@pytest.mark.req("R3.8")
def test_registering_without_ticking_the_box_asks_for_nothing(client):
    assert client.submit("/konto/registrer", REGISTRATION).status_code == 302

    user = user_by_email("kari.nordmann@example.no")
    assert subscription(user.id) is None
    assert mails(CONFIRM_MAIL) == []
    assert newsletter_rows(user.id) == []


# --- double opt-in ------------------------------------------------------------------


@pytest.mark.req("R3.8")
def test_double_opt_in_from_registration_through_a_real_smtp_server(client, smtp_server):
    response = client.submit("/konto/registrer", {**REGISTRATION, "nyhetsbrev": "y"})
    assert response.status_code == 302
    user = user_by_email("kari.nordmann@example.no")

    # Ticking the box only asks: pending, not a subscriber, one mail with a link.
    assert subscription(user.id).status == "pending"
    assert not is_subscribed(user.id) and user.id not in subscriber_ids()
    db.session.rollback()
    report = send_due()
    assert report.failed == 0 and report.waiting == 0
    (mail,) = [m for m in smtp_server.messages if "nyhetsbrevet" in m["Subject"]]
    assert mail["To"] == "kari.nordmann@example.no"
    assert mail["Subject"] == "Bekreft at du vil ha nyhetsbrevet fra Brukte Kontormøbler AS"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "nyheter og tilbud" in text and "melde deg av" in text  # what, and how to leave
    (path,) = set(CONFIRM_LINK.findall(text))
    assert f'href="http://localhost{path}"' in html

    confirmed = client.get(path)

    assert confirmed.status_code == 200
    assert "Takk! Du får nå nyhetsbrevet" in page(confirmed)
    found = subscription(user.id)
    assert found.status == "confirmed" and found.confirmed_at is not None
    assert found.source == "registration"
    assert is_subscribed(user.id) and user.id in subscriber_ids()


def test_every_step_is_in_the_ledger_under_the_persons_consent_id(app, client):
    assert client.submit("/konto/registrer", {**REGISTRATION, "nyhetsbrev": "y"}).status_code == 302
    user = user_by_email("kari.nordmann@example.no")
    client.get(f"/nyhetsbrev/bekreft/{confirm_token(user.id)}")
    client.post(f"/nyhetsbrev/avmeld/{unsubscribe_token(user.id)}")

    assert steps(user.id) == [
        ("accept", "newsletter", "", "registration"),  # asked: the box on the form
        ("accept", "newsletter", "", "email"),  # confirmed: the link in the mail
        ("withdraw", "", "newsletter", "email"),  # left: the link in a newsletter
    ]
    rows = newsletter_rows(user.id)
    registration_choice = db.session.scalar(
        sa.select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)
    )
    assert {r.consent_id for r in rows} == {registration_choice.consent_id}
    assert all(r.policy_version == registration_choice.policy_version for r in rows)
    assert all(len(r.text_digest) == 64 for r in rows)


def test_a_newsletter_step_does_not_replace_the_accounts_answer_to_the_banner(client):
    data = {**REGISTRATION, "formaal": "personalisation", "nyhetsbrev": "y"}
    assert client.submit("/konto/registrer", data).status_code == 302
    user = user_by_email("kari.nordmann@example.no")

    assert "personalisation" in latest_answer(user.id).granted_purposes


def test_a_customer_without_ledger_rows_gets_a_new_consent_id(app):
    guest = make_customer(password=None)
    ask(app, guest, "checkout")

    (row,) = newsletter_rows(guest.id)
    assert len(row.consent_id) == 32 and row.channel == "checkout"


def test_asking_again_is_idempotent_and_a_confirmed_subscription_stays(app):
    customer = make_customer()
    ask(app, customer)
    ask(app, customer)  # within a minute: no second mail, no second ledger row

    assert len(mails(CONFIRM_MAIL)) == 1
    assert steps(customer.id) == [("accept", "newsletter", "", "mypage")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 1

    found = subscription(customer.id)
    found.status = "confirmed"
    db.session.commit()
    ask(app, customer, "checkout")

    assert subscription(customer.id).status == "confirmed"
    assert subscription(customer.id).source == "mypage"
    assert len(mails(CONFIRM_MAIL)) == 1 and len(newsletter_rows(customer.id)) == 1


def test_a_pending_request_is_mailed_again_after_a_minute(app):
    customer = make_customer()
    ask(app, customer)
    for message in mails(CONFIRM_MAIL):
        message.created_at -= timedelta(minutes=2)
    db.session.commit()

    ask(app, customer, "checkout")

    assert len(mails(CONFIRM_MAIL)) == 2
    assert [s[3] for s in steps(customer.id)] == ["mypage", "checkout"]
    assert subscription(customer.id).status == "pending"


def test_a_pending_subscription_is_not_a_subscriber(app):
    customer = make_customer()
    ask(app, customer)

    assert not is_subscribed(customer.id)
    assert subscriber_ids() == []


@pytest.mark.req("R3.3")
def test_confirmed_subscribers_on_active_accounts_are_the_ones_who_get_news_and_offers(app, client):
    confirmed, pending, deactivated, never = (make_customer() for _ in range(4))
    for user in (confirmed, pending, deactivated):
        ask(app, user)
    for user in (confirmed, deactivated):
        assert client.get(f"/nyhetsbrev/bekreft/{confirm_token(user.id)}").status_code == 200
    deactivated.is_active_account = False
    db.session.commit()

    assert subscriber_ids() == [confirmed.id]
    assert is_subscribed(confirmed.id) and not is_subscribed(pending.id)
    assert not is_subscribed(never.id)


# --- the confirmation link ----------------------------------------------------------


def test_a_second_click_on_the_confirmation_link_changes_nothing(app, client):
    customer = make_customer()
    ask(app, customer)
    path = f"/nyhetsbrev/bekreft/{confirm_token(customer.id)}"
    assert client.get(path).status_code == 200
    first_confirmed_at = subscription(customer.id).confirmed_at

    again = client.get(path)

    assert again.status_code == 200 and "Du får allerede nyhetsbrevet" in page(again)
    assert subscription(customer.id).confirmed_at == first_confirmed_at
    assert [s[3] for s in steps(customer.id)] == ["mypage", "email"]


def test_tampered_and_foreign_confirmation_links_are_refused_and_confirm_nothing(app, client):
    customer = make_customer()
    ask(app, customer)
    token = confirm_token(customer.id)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    for bad in (tampered, unsubscribe_token(customer.id), "x", "a" * 400):
        response = client.get(f"/nyhetsbrev/bekreft/{bad}")
        assert response.status_code == 400, bad
        assert "Lenken er ugyldig" in page(response)
    assert subscription(customer.id).status == "pending"
    assert len(newsletter_rows(customer.id)) == 1


def test_a_confirmation_link_older_than_seven_days_has_expired(app, client, monkeypatch):
    customer = make_customer()
    ask(app, customer)
    with signed_seconds_ago(monkeypatch, 7 * DAY + 60):
        token = confirm_token(customer.id)

    response = client.get(f"/nyhetsbrev/bekreft/{token}")

    assert response.status_code == 410 and "Lenken er utløpt" in page(response)
    assert subscription(customer.id).status == "pending"


def test_confirming_after_leaving_does_not_subscribe_again(app, client):
    customer = make_customer()
    ask(app, customer)
    unsubscribe(customer.id, "mypage")
    db.session.commit()

    response = client.get(f"/nyhetsbrev/bekreft/{confirm_token(customer.id)}")

    assert response.status_code == 410 and "Det er ingenting å bekrefte" in page(response)
    assert subscription(customer.id) is None


# --- checkout ------------------------------------------------------------------------


def _orders() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Order))


@pytest.mark.req("R3.8")
def test_a_guest_ticking_the_box_at_checkout_is_asked_in_the_orders_transaction(client, in_cart):
    response = client.submit(CHECKOUT, {**PRIVATE_GUEST, "nyhetsbrev": "y"})

    assert response.status_code == 303
    guest = user_by_email("kari.nordmann@example.no")
    assert _orders() == 1
    assert subscription(guest.id).status == "pending"
    assert subscription(guest.id).source == "checkout"
    assert [m.recipient for m in mails(CONFIRM_MAIL)] == ["kari.nordmann@example.no"]
    assert steps(guest.id) == [("accept", "newsletter", "", "checkout")]


@pytest.mark.req("R3.8")
def test_checkout_without_the_box_asks_for_nothing(client, in_cart):
    assert client.submit(CHECKOUT, PRIVATE_GUEST).status_code == 303

    guest = user_by_email("kari.nordmann@example.no")
    assert _orders() == 1 and subscription(guest.id) is None
    assert mails(CONFIRM_MAIL) == [] and newsletter_rows(guest.id) == []


def test_a_logged_in_customer_can_tick_the_box_at_checkout(client, in_cart, login_as):
    customer = login_as(make_customer())
    data = {
        **PRIVATE_GUEST,
        "email": customer.email,
        "name": customer.name,
        "nyhetsbrev": "y",
    }

    assert client.submit(CHECKOUT, data).status_code == 303

    assert subscription(customer.id).source == "checkout"
    assert [m.recipient for m in mails(CONFIRM_MAIL)] == [customer.email]


def test_the_order_and_the_subscription_request_stand_or_fall_together(
    client, in_cart, monkeypatch
):
    from bkm.cart import checkout_views

    real = checkout_views.request_subscription
    seen = {}

    def ask_then_fail(user, source):
        real(user, source)
        seen["order_in_same_transaction"] = db.session.scalar(sa.select(sa.func.count(Order.id)))
        raise RuntimeError("the unit of work fails after the request")

    monkeypatch.setattr(checkout_views, "request_subscription", ask_then_fail)

    response = client.submit(CHECKOUT, {**PRIVATE_GUEST, "nyhetsbrev": "y"})

    assert response.status_code == 500
    assert seen == {"order_in_same_transaction": 1}  # the order was there, uncommitted
    assert _orders() == 0
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(MailMessage)
            .where(MailMessage.kind == CONFIRM_MAIL)
        )
        == 0
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ConsentRecord)
            .where(ConsentRecord.granted == "newsletter")
        )
        == 0
    )


# --- the customer's page (stand-in for Min side) ------------------------------------


def test_the_marketing_page_needs_a_logged_in_customer(client):
    response = client.get("/konto/markedsforing")
    assert response.status_code == 302 and "/konto/logg-inn" in response.location


def test_a_customer_subscribes_resends_and_leaves_on_the_marketing_page(client, login_as):
    customer = login_as(make_customer())
    url = "/konto/markedsforing"
    html = page(client.get(url))
    assert 'data-state="none"' in html and "checked" not in the_box(html)
    assert "Nyhetsbrev og markedsføring" in html

    refused = client.submit(url, {"handling": "meld-pa"})  # the box left unticked
    assert refused.status_code == 400 and "Kryss av i boksen" in page(refused)
    assert subscription(customer.id) is None

    assert client.submit(url, {"handling": "meld-pa", "nyhetsbrev": "y"}).status_code == 303
    html = page(client.get(url))
    assert 'data-state="pending"' in html and "venter på bekreftelse" in html
    assert subscription(customer.id).source == "mypage"
    assert len(mails(CONFIRM_MAIL)) == 1

    client.submit(url, {"handling": "send-pa-nytt"})  # within a minute: we say so, no mail
    assert "for under ett minutt siden" in page(client.get(url))
    assert len(mails(CONFIRM_MAIL)) == 1

    client.get(f"/nyhetsbrev/bekreft/{confirm_token(customer.id)}")
    html = page(client.get(url))
    assert 'data-state="confirmed"' in html and 'data-testid="newsletter-leave"' in html

    assert client.submit(url, {"handling": "meld-av"}).status_code == 303
    assert "Du er meldt av nyhetsbrevet" in page(client.get(url))
    assert subscription(customer.id) is None
    assert steps(customer.id) == [
        ("accept", "newsletter", "", "mypage"),
        ("accept", "newsletter", "", "email"),
        ("withdraw", "", "newsletter", "mypage"),
    ]


def test_staff_have_no_marketing_page(client, login_as, staff):
    login_as(staff)
    assert client.get("/konto/markedsforing").status_code == 403
