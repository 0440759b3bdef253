"""Quotes for customers: asked for from the cart, accepted (or not) on /konto/tilbud."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bkm.catalog.models import Product
from bkm.orders.models import Order
from bkm.orders.quote_models import Quote
from bkm.orders.quotes import oslo_today
from tests.accounts.helpers import CSRF_SALT, STALE_FORM_MESSAGE, link_in, mails, signed_seconds_ago
from tests.factories import make_cart, make_customer, make_issued_quote, make_product


def html(response) -> str:
    return response.get_data(as_text=True)


def quote_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Quote))


def order_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def fresh(quote: Quote, db) -> Quote:
    db.session.expire_all()
    return db.session.get(Quote, quote.id)


def stock(product: Product, db) -> int:
    db.session.expire_all()
    return db.session.get(Product, product.id).stock_quantity


@pytest.fixture
def chair(db):
    return make_product(title="Kontorstol HÅG Capisco", price_ore=200_000, stock_quantity=10)


@pytest.fixture
def desk(db):
    return make_product(title="Skrivebord 160 cm", price_ore=300_000, stock_quantity=2)


@pytest.fixture
def buyer(db):
    user = make_customer(name="Kari Nordmann", email="kari@example.no")
    db.session.commit()
    return user


# ---------- Asking for a quote from the cart ----------


def test_logged_in_customer_asks_for_a_quote_and_keeps_the_cart(
    client, login_as, db, buyer, chair, desk
):
    make_cart(user=buyer, lines={chair: 6, desk: 1})
    login_as(buyer)
    page = client.get("/handlekurv")
    assert 'data-testid="quote-request-form"' in html(page)

    response = client.submit(
        "/handlekurv/tilbud", {"message": "Vi trenger levering i mars."}, form_url="/handlekurv"
    )

    assert response.status_code == 303
    quote = db.session.scalar(select(Quote))
    assert response.headers["Location"] == f"/konto/tilbud/{quote.number}"
    assert quote.number.startswith("T-") and quote.status == "requested"
    assert quote.customer_id == buyer.id and quote.message == "Vi trenger levering i mars."
    assert {(line.title, line.quantity, line.list_price_ore) for line in quote.lines} == {
        ("Kontorstol HÅG Capisco", 6, 200_000),
        ("Skrivebord 160 cm", 1, 300_000),
    }
    assert all(line.quoted_unit_price_ore is None for line in quote.lines)
    assert stock(chair, db) == 10  # a request reserves nothing
    (received,) = mails("quote_request_received")
    assert received.recipient == "kari@example.no" and quote.number in received.subject
    assert link_in(received) == f"/konto/tilbud/{quote.number}"
    assert 'data-testid="cart-line"' in html(client.get("/handlekurv"))  # the cart stays
    page = html(client.get(f"/konto/tilbud/{quote.number}"))
    assert "Forespurt" in page and "Kontorstol HÅG Capisco" in page


def test_anonymous_visitor_is_asked_to_log_in_and_keeps_the_cart(client, db, chair):
    db.session.commit()
    client.post(
        "/handlekurv/legg-til",
        data={"product_id": chair.id, "quantity": "1"},
        headers={"Origin": "http://localhost"},
    )
    page = html(client.get("/handlekurv"))
    assert 'data-testid="quote-login"' in page
    assert 'data-testid="quote-request-form"' not in page

    token = client.csrf_token("/handlekurv")
    response = client.post("/handlekurv/tilbud", data={"csrf_token": token, "message": "Hei"})

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/konto/logg-inn?next=")
    assert "Logg inn eller registrer deg for å be om tilbud" in html(client.get("/handlekurv"))
    assert quote_count(db) == 0
    assert 'data-testid="cart-line"' in html(client.get("/handlekurv"))


@pytest.mark.parametrize("message", ["x" * 2001, "x" * 10_240])
def test_an_overlong_message_is_refused_and_nothing_is_stored(
    client, login_as, db, buyer, chair, message
):
    make_cart(user=buyer, lines={chair: 1})
    login_as(buyer)
    response = client.submit("/handlekurv/tilbud", {"message": message}, form_url="/handlekurv")
    assert response.status_code == 303
    assert "Meldingen kan ha maks 2000 tegn." in html(client.get("/handlekurv"))
    assert quote_count(db) == 0
    assert mails() == []


def test_a_request_with_a_stale_csrf_token_stores_nothing(
    client, login_as, db, buyer, chair, monkeypatch
):
    make_cart(user=buyer, lines={chair: 1})
    login_as(buyer)
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token("/handlekurv")
    response = client.post("/handlekurv/tilbud", data={"csrf_token": token, "message": ""})
    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in html(response)
    assert quote_count(db) == 0


def test_an_empty_cart_cannot_be_sent_as_a_quote_request(client, login_as, db, buyer):
    login_as(buyer)
    token = client.csrf_token("/konto/send-bekreftelse")
    client.post("/handlekurv/tilbud", data={"csrf_token": token})
    assert "Handlekurven er tom" in html(client.get("/handlekurv"))
    assert quote_count(db) == 0


# ---------- Accepting ----------


@pytest.mark.req("R3.2")
def test_owner_accepts_the_quote_order_at_quoted_prices_with_confirmation_mail(
    client, login_as, db, buyer, chair, desk
):
    quote = make_issued_quote(buyer, {chair: 6, desk: 1}, prices={chair: 150_000, desk: 280_000})
    db.session.commit()
    (offer,) = mails("quote_confirmation")
    assert offer.recipient == "kari@example.no"
    assert "Tilbudsbekreftelse" in offer.subject
    assert "kr\u00a01\u00a0500 per stk." in offer.text_body
    assert "Totalt inkl. mva: kr\u00a011\u00a0800" in offer.text_body
    assert link_in(offer) == f"/konto/tilbud/{quote.number}"
    login_as(buyer)

    page = html(client.get(f"/konto/tilbud/{quote.number}"))
    assert "Godta tilbudet – bestill med betalingsplikt" in page
    response = client.submit(
        f"/konto/tilbud/{quote.number}/godta",
        {"delivery_method": "pickup"},
        form_url=f"/konto/tilbud/{quote.number}",
    )

    assert response.status_code == 303
    order = db.session.scalar(select(Order))
    assert response.headers["Location"] == f"/kasse/bekreftelse/{order.number}"
    assert {(line.title, line.unit_price_ore, line.quantity) for line in order.lines} == {
        ("Kontorstol HÅG Capisco", 150_000, 6),
        ("Skrivebord 160 cm", 280_000, 1),
    }
    assert order.total_ore == 11 * 100_000 + 80_000 and order.customer_id == buyer.id
    assert stock(chair, db) == 4 and stock(desk, db) == 1
    accepted = fresh(quote, db)
    assert accepted.status == "accepted" and accepted.order_id == order.id
    assert accepted.accepted_at is not None
    (confirmation,) = mails("order_confirmation")
    assert confirmation.recipient == "kari@example.no" and order.number in confirmation.subject
    assert "kr\u00a011\u00a0800" in confirmation.text_body
    assert order.number in html(client.get(f"/konto/tilbud/{quote.number}"))


def test_accepting_with_delivery_adds_shipping(client, login_as, db, app, buyer, chair):
    quote = make_issued_quote(buyer, {chair: 1}, prices={chair: 100_000})
    db.session.commit()
    login_as(buyer)
    client.submit(
        f"/konto/tilbud/{quote.number}/godta",
        {"delivery_method": "delivery"},
        form_url=f"/konto/tilbud/{quote.number}",
    )
    order = db.session.scalar(select(Order))
    assert order.delivery_method == "delivery"
    assert order.total_ore == 100_000 + app.config["SHIPPING_PRICE_ORE"]


def test_another_customer_gets_404_on_the_quote_page_and_the_accept_post(
    client, login_as, db, buyer, chair
):
    quote = make_issued_quote(buyer, {chair: 1})
    other = make_customer()
    db.session.commit()
    login_as(other)
    token = client.csrf_token("/konto/send-bekreftelse")

    assert client.get(f"/konto/tilbud/{quote.number}").status_code == 404
    for step in ("godta", "avsla"):
        response = client.post(
            f"/konto/tilbud/{quote.number}/{step}",
            data={"csrf_token": token, "delivery_method": "pickup"},
        )
        assert response.status_code == 404
    assert client.get("/konto/tilbud/T-999999").status_code == 404
    assert quote.number not in html(client.get("/konto/tilbud"))
    assert fresh(quote, db).status == "issued"
    assert order_count(db) == 0 and stock(chair, db) == 10


def test_quote_pages_need_login(client, db, buyer, chair):
    quote = make_issued_quote(buyer, {chair: 1})
    db.session.commit()
    response = client.get(f"/konto/tilbud/{quote.number}")
    assert response.status_code == 302 and "/konto/logg-inn" in response.headers["Location"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("expired", "Tilbudet har gått ut"),
        ("declined", "det har status «Avslått»"),
        ("withdrawn", "det har status «Trukket tilbake»"),
        ("requested", "det har status «Forespurt»"),
    ],
)
def test_a_quote_that_is_not_open_cannot_be_accepted(
    client, login_as, db, buyer, chair, setup, message
):
    quote = make_issued_quote(buyer, {chair: 1})
    if setup == "expired":
        quote.valid_until = oslo_today() - timedelta(days=1)
    else:
        quote.status = setup
    db.session.commit()
    login_as(buyer)
    token = client.csrf_token("/konto/send-bekreftelse")

    client.post(
        f"/konto/tilbud/{quote.number}/godta",
        data={"csrf_token": token, "delivery_method": "pickup"},
    )

    page = html(client.get(f"/konto/tilbud/{quote.number}"))
    assert message in page
    assert 'data-testid="accept-quote-form"' not in page
    assert order_count(db) == 0 and stock(chair, db) == 10
    assert fresh(quote, db).status == ("issued" if setup == "expired" else setup)


def test_sold_out_on_accept_gives_a_clear_message_and_the_quote_stays_issued(
    client, login_as, db, buyer, chair, desk
):
    quote = make_issued_quote(buyer, {chair: 1, desk: 2})
    db.session.get(Product, desk.id).stock_quantity = 1  # someone bought one meanwhile
    db.session.commit()
    login_as(buyer)

    client.submit(
        f"/konto/tilbud/{quote.number}/godta",
        {"delivery_method": "pickup"},
        form_url=f"/konto/tilbud/{quote.number}",
    )

    assert "Vi har bare 1 stk. av «Skrivebord 160 cm» igjen" in html(
        client.get(f"/konto/tilbud/{quote.number}")
    )
    assert fresh(quote, db).status == "issued"
    assert order_count(db) == 0
    assert stock(chair, db) == 10 and stock(desk, db) == 1  # the chair's decrement rolled back
    assert mails("order_confirmation") == []


def test_a_second_accept_makes_no_second_order(client, login_as, db, buyer, chair):
    quote = make_issued_quote(buyer, {chair: 2})
    db.session.commit()
    login_as(buyer)
    token = client.csrf_token(f"/konto/tilbud/{quote.number}")
    data = {"csrf_token": token, "delivery_method": "pickup"}
    client.post(f"/konto/tilbud/{quote.number}/godta", data=data)
    client.post(f"/konto/tilbud/{quote.number}/godta", data=data)
    assert order_count(db) == 1 and stock(chair, db) == 8


def test_a_bad_delivery_choice_is_refused(client, login_as, db, buyer, chair):
    quote = make_issued_quote(buyer, {chair: 1})
    db.session.commit()
    login_as(buyer)
    client.submit(
        f"/konto/tilbud/{quote.number}/godta",
        {"delivery_method": "x" * 10_240},
        form_url=f"/konto/tilbud/{quote.number}",
    )
    assert "Velg om du henter selv" in html(client.get(f"/konto/tilbud/{quote.number}"))
    assert order_count(db) == 0


def test_accept_with_a_stale_csrf_token_changes_nothing(
    client, login_as, db, buyer, chair, monkeypatch
):
    quote = make_issued_quote(buyer, {chair: 1})
    db.session.commit()
    login_as(buyer)
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(f"/konto/tilbud/{quote.number}")
    for step in ("godta", "avsla"):
        response = client.post(
            f"/konto/tilbud/{quote.number}/{step}",
            data={"csrf_token": token, "delivery_method": "pickup"},
        )
        assert response.status_code == 400
        assert STALE_FORM_MESSAGE in html(response)
    assert fresh(quote, db).status == "issued" and order_count(db) == 0


def test_customer_without_an_address_is_told_and_nothing_is_ordered(client, login_as, db, chair):
    buyer = make_customer(street=None)
    quote = make_issued_quote(buyer, {chair: 1})
    db.session.commit()
    login_as(buyer)
    client.submit(
        f"/konto/tilbud/{quote.number}/godta",
        {"delivery_method": "pickup"},
        form_url=f"/konto/tilbud/{quote.number}",
    )
    assert "Vi mangler navn, adresse eller telefonnummer" in html(
        client.get(f"/konto/tilbud/{quote.number}")
    )
    assert order_count(db) == 0 and fresh(quote, db).status == "issued"


# ---------- Declining ----------


def test_owner_declines_an_issued_quote(client, login_as, db, buyer, chair):
    quote = make_issued_quote(buyer, {chair: 1})
    db.session.commit()
    login_as(buyer)
    client.submit(f"/konto/tilbud/{quote.number}/avsla", form_url=f"/konto/tilbud/{quote.number}")
    assert fresh(quote, db).status == "declined"
    page = html(client.get(f"/konto/tilbud/{quote.number}"))
    assert "er avslått" in page and 'data-testid="accept-quote-form"' not in page


def test_withdrawing_a_quote_the_customer_accepted_meanwhile_is_refused(db):
    import sqlalchemy as sa

    from bkm.orders.quote_models import Quote
    from bkm.orders.quotes import QuoteError, withdraw_quote
    from tests.factories import make_issued_quote

    quote = make_issued_quote()
    db.session.commit()
    with db.engine.begin() as other_tab:  # the customer's accept committed in the meantime
        other_tab.execute(sa.update(Quote).where(Quote.id == quote.id).values(status="accepted"))
    with pytest.raises(QuoteError, match="allerede behandlet"):
        withdraw_quote(quote)
