"""Credit notices (kredittmelding): staff credit an amount; the customer is told by mail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bkm.orders.quote_models import CreditNotice
from tests.accounts.helpers import CSRF_SALT, STALE_FORM_MESSAGE, mails, signed_seconds_ago
from tests.factories import make_customer, make_order, make_product


def html(response) -> str:
    return response.get_data(as_text=True)


def notice_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CreditNotice))


@pytest.fixture
def order(db):
    buyer = make_customer(name="Kari Nordmann", email="kari@example.no")
    placed = make_order(buyer, {make_product(price_ore=200_000): 1})  # kr 2 000, pickup
    db.session.commit()
    return placed


def order_url(order, step: str = "") -> str:
    return f"/admin/ordrer/{order.number}" + (f"/{step}" if step else "")


def credit(client, order, amount, reason="Riper i bordplaten"):
    return client.submit(
        order_url(order, "kredittmelding"),
        {"amount": amount, "reason": reason},
        form_url=order_url(order),
    )


@pytest.mark.req("R3.2")
def test_staff_credit_an_amount_on_an_order_row_and_mail_to_the_customer(
    client, login_as, staff, db, order
):
    login_as(staff)
    assert 'data-testid="credit-notice-form"' in html(client.get(order_url(order)))

    response = credit(client, order, "499,50")

    assert response.status_code == 303
    notice = db.session.scalar(select(CreditNotice))
    assert (notice.customer_id, notice.order_id, notice.amount_ore) == (
        order.customer_id,
        order.id,
        49_950,
    )
    assert notice.reason == "Riper i bordplaten" and notice.created_by_id == staff.id
    (mail,) = mails("credit_notice")
    assert mail.recipient == "kari@example.no" and mail.subject.startswith("Kredittmelding")
    assert "kr\u00a0499,50" in mail.text_body and order.number in mail.text_body
    assert "Riper i bordplaten" in mail.text_body and mail.html_body
    assert "Kredittmelding på kr\u00a0499,50 er registrert" in html(client.get(order_url(order)))


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Beløpet må være mer enn 0 kr."),
        ("-100", "Beløpet må være et positivt beløp i kroner."),
        ("−100", "Beløpet må være et positivt beløp i kroner."),
        ("mye", "Beløpet må være et beløp i kroner"),
        ("", "Skriv inn beløpet som skal krediteres."),
        ("9" * 10_240, "Beløpet må være et positivt beløp i kroner."),
        ("2 000,01", "større enn det som er igjen av ordrens totalsum"),
    ],
)
def test_a_bad_amount_is_refused_nothing_stored_nothing_sent(
    client, login_as, staff, db, order, amount, message
):
    login_as(staff)
    credit(client, order, amount)
    assert message in html(client.get(order_url(order)))
    assert notice_count(db) == 0
    assert mails("credit_notice") == []


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Skriv hvorfor kunden får beløpet kreditert."),
        ("x" * 10_240, "Begrunnelsen kan ha maks 500 tegn."),
        ("to\nlinjer", "Begrunnelsen må stå på én linje."),
    ],
)
def test_a_bad_reason_is_refused(client, login_as, staff, db, order, reason, message):
    login_as(staff)
    credit(client, order, "100", reason=reason)
    assert message in html(client.get(order_url(order)))
    assert notice_count(db) == 0


def test_credits_on_one_order_cannot_add_up_to_more_than_its_total(
    client, login_as, staff, db, order
):
    login_as(staff)
    credit(client, order, "1500")
    credit(client, order, "600")
    assert "større enn det som er igjen" in html(client.get(order_url(order)))
    assert notice_count(db) == 1


def test_staff_credit_a_customer_without_an_order(client, login_as, staff, db):
    buyer = make_customer(email="ola@example.no")
    db.session.commit()
    login_as(staff)
    response = client.submit(
        f"/admin/kunder/{buyer.id}/kredittmelding",
        {"amount": "250", "reason": "Goodwill etter forsinket levering"},
        form_url=f"/admin/kunder/{buyer.id}",
    )
    assert response.status_code == 303
    notice = db.session.scalar(select(CreditNotice))
    assert notice.order_id is None and notice.amount_ore == 25_000
    (mail,) = mails("credit_notice")
    assert mail.recipient == "ola@example.no"


def test_a_staff_account_cannot_get_a_credit_notice(client, login_as, staff, db):
    login_as(staff)
    token = client.csrf_token("/admin/tilbud")
    response = client.post(
        f"/admin/kunder/{staff.id}/kredittmelding",
        data={"csrf_token": token, "amount": "100", "reason": "Test"},
    )
    assert response.status_code == 404
    assert notice_count(db) == 0


def test_credit_notice_with_a_stale_csrf_token_changes_nothing(
    client, login_as, staff, db, order, monkeypatch
):
    login_as(staff)
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(order_url(order))
    response = client.post(
        order_url(order, "kredittmelding"),
        data={"csrf_token": token, "amount": "100", "reason": "Riper"},
    )
    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in html(response)
    assert notice_count(db) == 0


def test_customers_cannot_register_credit_notices(client, login_as, db, order):
    login_as(order.customer)
    token = client.csrf_token("/konto/send-bekreftelse")
    response = client.post(
        order_url(order, "kredittmelding"),
        data={"csrf_token": token, "amount": "100", "reason": "Til meg selv"},
    )
    assert response.status_code == 403
    assert notice_count(db) == 0
