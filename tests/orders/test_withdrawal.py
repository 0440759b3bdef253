"""Angre kjøp: consumers within the deadline; cancel before shipping, a case after."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bkm.cases.models import Case
from bkm.catalog.models import Product
from bkm.orders.models import Order
from bkm.orders.withdrawal import WithdrawalRefused, withdraw
from tests.accounts.helpers import CSRF_SALT, STALE_FORM_MESSAGE, mails, signed_seconds_ago
from tests.factories import make_customer, make_delivered_order, make_order, make_product


def html(response) -> str:
    return response.get_data(as_text=True)


def case_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Case))


def page(order, step=""):
    return f"/konto/ordre/{order.number}" + (f"/{step}" if step else "")


@pytest.fixture
def kari(db):
    return make_customer(name="Kari Nordmann")


def test_withdrawal_within_the_deadline_opens_a_case_and_acknowledges_by_mail(
    client, login_as, db, kari
):
    chair, desk = make_product(title="Kontorstol"), make_product(title="Skrivebord")
    order = make_delivered_order(kari, {chair: 1, desk: 1}, days_ago=13)
    db.session.commit()
    login_as(kari)
    assert 'data-testid="withdraw-button"' in html(client.get(page(order)))
    form = html(client.get(page(order, "angre")))
    assert "Bekreft: jeg angrer kjøpet" in form

    desk_line = next(line for line in order.lines if line.title == "Skrivebord")
    response = client.submit(
        page(order, "angre"), {"linje": [str(desk_line.id)], "reason": "For stort"}
    )
    assert response.status_code == 303
    case = db.session.scalar(select(Case))
    assert response.headers["Location"].endswith(f"/konto/saker/{case.number}")
    assert (case.kind, case.order_id, case.status) == ("withdrawal", order.id, "open")
    assert "1 × Skrivebord" in case.messages[0].body and "Kontorstol" not in case.messages[0].body
    (mail,) = mails("withdrawal_received")
    assert mail.recipient == order.email
    assert "Vi har mottatt meldingen" in mail.text_body and "1 × Skrivebord" in mail.text_body
    assert "senest 14 dager" in mail.text_body
    assert mails("case_received") == []  # the withdrawal receipt is the one mail
    assert "Vi har mottatt angremeldingen din" in html(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "shipped"  # no automatic refund

    again = client.submit(page(order, "angre"), {"linje": [str(desk_line.id)]})
    assert "allerede meldt" in html(client.get(again.headers["Location"]))
    assert case_count(db) == 1


def test_withdrawal_after_the_deadline_is_refused_with_the_date(client, login_as, db, kari):
    order = make_delivered_order(kari, days_ago=20)
    deadline = order.withdrawal_deadline_on
    db.session.commit()
    with pytest.raises(WithdrawalRefused, match=f"gikk ut {deadline:%d.%m.%Y}"):
        withdraw(order, kari)
    login_as(kari)
    assert 'data-testid="withdraw-button"' not in html(client.get(page(order)))
    response = client.get(page(order, "angre"))
    assert response.status_code == 303
    assert f"Angrefristen gikk ut {deadline:%d.%m.%Y}" in html(client.get(page(order)))
    lines = [str(line.id) for line in order.lines]
    client.post(
        page(order, "angre"), data={"linje": lines, "csrf_token": client.csrf_token(page(order))}
    )
    assert case_count(db) == 0 and mails("withdrawal_received") == []


def test_withdrawal_on_the_last_day_is_accepted(db, kari):
    order = make_delivered_order(kari, days_ago=14)
    result = withdraw(order, kari, on=order.withdrawal_deadline_on)
    assert result.kind == "notice"
    with pytest.raises(WithdrawalRefused):
        withdraw(order, kari, on=order.withdrawal_deadline_on + timedelta(days=1))


def test_business_orders_have_no_angrerett(client, login_as, db):
    firm = make_customer(customer_type="business")
    order = make_delivered_order(firm)
    db.session.commit()
    with pytest.raises(WithdrawalRefused, match="bare privatkunder"):
        withdraw(order, firm)
    login_as(firm)
    assert 'data-testid="withdraw-button"' not in html(client.get(page(order)))
    client.get(page(order, "angre"))
    assert "Angreretten gjelder bare privatkunder" in html(client.get(page(order)))
    assert case_count(db) == 0


def test_withdrawal_before_anything_shipped_cancels_the_order_and_returns_stock(
    client, login_as, db, kari
):
    chair = make_product(stock_quantity=3)
    order = make_order(kari, {chair: 2})
    db.session.commit()
    assert db.session.get(Product, chair.id).stock_quantity == 1
    login_as(kari)
    assert "kansellert med en gang" in html(client.get(page(order, "angre")))
    lines = [str(line.id) for line in order.lines]
    response = client.submit(page(order, "angre"), {"linje": lines})
    assert response.headers["Location"].endswith(page(order))
    assert "er kansellert" in html(client.get(page(order)))
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"
    assert db.session.get(Product, chair.id).stock_quantity == 3
    assert case_count(db) == 0


def test_withdrawal_of_a_shipped_but_not_yet_delivered_order_is_a_notice(db, kari):
    from tests.factories import ship_all

    order = make_order(kari, delivery_method="delivery")
    order.status = "confirmed"
    ship_all(order)
    assert order.withdrawal_deadline_on is None
    assert withdraw(order, kari).kind == "notice"


def test_someone_elses_order_cannot_be_withdrawn(client, login_as, db, kari):
    order = make_delivered_order(make_customer())
    db.session.commit()
    login_as(kari)
    assert client.get(page(order, "angre")).status_code == 404
    token = client.csrf_token("/konto/ordre")
    response = client.post(
        page(order, "angre"), data={"linje": [str(order.lines[0].id)], "csrf_token": token}
    )
    assert response.status_code == 404
    with pytest.raises(WithdrawalRefused):
        withdraw(order, kari)
    assert case_count(db) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Velg minst én vare."),
        ({"linje": ["999999"]}, "Velg varene fra listen."),
        ({"linje": ["1"], "reason": "x" * 10_240}, "Begrunnelsen kan ha maks 1000 tegn."),
    ],
)
def test_bad_withdrawal_input_changes_nothing(client, login_as, db, kari, data, message):
    order = make_delivered_order(kari)
    db.session.commit()
    if data.get("linje") == ["1"]:
        data = {**data, "linje": [str(order.lines[0].id)]}
    login_as(kari)
    response = client.submit(page(order, "angre"), data)
    assert response.status_code == 200
    assert message in html(response)
    assert case_count(db) == 0 and mails("withdrawal_received") == []


def test_a_stale_csrf_token_on_withdrawal_changes_nothing(client, login_as, db, kari, monkeypatch):
    order = make_delivered_order(kari)
    db.session.commit()
    login_as(kari)
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(page(order, "angre"))
    response = client.post(
        page(order, "angre"), data={"linje": [str(order.lines[0].id)], "csrf_token": token}
    )
    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in html(response)
    assert case_count(db) == 0
