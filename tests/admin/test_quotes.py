"""Staff price and issue quotes under /admin/tilbud, or withdraw them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bkm.orders.quote_models import Quote
from bkm.orders.quotes import default_valid_until, oslo_today
from tests.accounts.helpers import CSRF_SALT, STALE_FORM_MESSAGE, link_in, mails, signed_seconds_ago
from tests.factories import make_customer, make_product, make_quote


def html(response) -> str:
    return response.get_data(as_text=True)


def fresh(quote: Quote, db) -> Quote:
    db.session.expire_all()
    return db.session.get(Quote, quote.id)


@pytest.fixture
def requested(db):
    """Two chairs at kr 2 000 and a desk at kr 3 000, asked for by Kari."""
    buyer = make_customer(name="Kari Nordmann", email="kari@example.no")
    chair = make_product(title="Kontorstol HÅG Capisco", price_ore=200_000, stock_quantity=5)
    desk = make_product(title="Skrivebord 160 cm", price_ore=300_000, stock_quantity=1)
    quote = make_quote(buyer, {chair: 2, desk: 1}, message="Rabatt ved kjøp av alt?")
    db.session.commit()
    return quote


def url(quote, step: str = "") -> str:
    return f"/admin/tilbud/{quote.number}" + (f"/{step}" if step else "")


def prices(quote, chair: str, desk: str) -> dict:
    chair_line, desk_line = quote.lines
    return {f"pris-{chair_line.id}": chair, f"pris-{desk_line.id}": desk}


def issue(client, quote, chair="1 800", desk="2500,50", valid_until=None):
    data = prices(quote, chair, desk)
    data["valid_until"] = valid_until or default_valid_until().isoformat()
    return client.submit(url(quote, "utsted"), data, form_url=url(quote))


def test_staff_list_shows_requested_quotes(client, login_as, staff, requested):
    login_as(staff)
    page = html(client.get("/admin/tilbud"))
    assert requested.number in page and "Kari Nordmann" in page and "Forespurt" in page
    detail = html(client.get(url(requested)))
    assert "Rabatt ved kjøp av alt?" in detail and "Utsted tilbud" in detail
    assert html(client.get("/admin/tilbud?status=issued")).count('data-testid="quote-row"') == 0


@pytest.mark.req("R3.2")
def test_staff_price_and_issue_the_customer_gets_the_offer_confirmation_with_a_link(
    client, login_as, staff, db, requested
):
    login_as(staff)
    valid_until = oslo_today() + timedelta(days=10)

    response = issue(client, requested, valid_until=valid_until.isoformat())

    assert response.status_code == 303
    quote = fresh(requested, db)
    assert quote.status == "issued" and quote.valid_until == valid_until
    assert quote.issued_by_id == staff.id and quote.issued_at is not None
    assert [line.quoted_unit_price_ore for line in quote.lines] == [180_000, 250_050]
    (offer,) = mails("quote_confirmation")
    assert offer.recipient == "kari@example.no"
    assert offer.subject.startswith(f"Tilbudsbekreftelse {quote.number}")
    body = offer.text_body
    assert "2 × Kontorstol HÅG Capisco" in body and "kr\u00a01\u00a0800 per stk." in body
    assert "Totalt inkl. mva: kr\u00a06\u00a0100,50" in body
    assert "Herav mva 25 %: kr\u00a01\u00a0220,10" in body
    assert f"gjelder til og med {valid_until.strftime('%d.%m.%Y')}" in body
    assert link_in(offer) == f"/konto/tilbud/{quote.number}"
    assert "Utstedt" in html(client.get(url(quote)))


@pytest.mark.parametrize(
    ("chair", "message"),
    [
        ("2 000,01", "kan ikke være høyere enn listeprisen"),
        ("5000", "kan ikke være høyere enn listeprisen"),
        ("0", "må være mer enn 0 kr"),
        ("-100", "må være et beløp i kroner mellom 0 og listeprisen"),
        ("tusen", "må være et beløp i kroner, for eksempel"),
        ("12,345", "må være et beløp i kroner, for eksempel"),
        ("", "Skriv inn en pris for «Kontorstol HÅG Capisco»"),
        ("9" * 10_240, "må være et beløp i kroner mellom 0 og listeprisen"),
    ],
)
def test_a_bad_price_is_refused_and_nothing_changes(
    client, login_as, staff, db, requested, chair, message
):
    login_as(staff)
    issue(client, requested, chair=chair)
    page = html(client.get(url(requested)))
    assert message in page
    quote = fresh(requested, db)
    assert quote.status == "requested" and quote.valid_until is None
    assert all(line.quoted_unit_price_ore is None for line in quote.lines)
    assert mails("quote_confirmation") == []


@pytest.mark.parametrize(
    ("valid_until", "message"),
    [
        ("i morgen", "Skriv inn en gyldig dato"),
        ("x" * 10_240, "Skriv inn en gyldig dato"),
        ((oslo_today() - timedelta(days=1)).isoformat(), "må gjelde til i dag eller senere"),
        ((oslo_today() + timedelta(days=400)).isoformat(), "høyst 365 dager"),
    ],
)
def test_a_bad_validity_is_refused(client, login_as, staff, db, requested, valid_until, message):
    login_as(staff)
    issue(client, requested, valid_until=valid_until)
    assert message in html(client.get(url(requested)))
    assert fresh(requested, db).status == "requested"


def test_an_issued_quote_cannot_be_issued_again(client, login_as, staff, db, requested):
    login_as(staff)
    issue(client, requested)
    issue(client, requested, chair="100")
    assert "Bare forespurte tilbud kan utstedes" in html(client.get(url(requested)))
    assert fresh(requested, db).lines[0].quoted_unit_price_ore == 180_000
    assert len(mails("quote_confirmation")) == 1


def test_issue_with_a_stale_csrf_token_changes_nothing(
    client, login_as, staff, db, requested, monkeypatch
):
    login_as(staff)
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(url(requested))
    data = {**prices(requested, "1800", "2500"), "valid_until": default_valid_until().isoformat()}
    for step in ("utsted", "trekk-tilbake"):
        response = client.post(url(requested, step), data={**data, "csrf_token": token})
        assert response.status_code == 400
        assert STALE_FORM_MESSAGE in html(response)
    assert fresh(requested, db).status == "requested"
    assert mails("quote_confirmation") == []


def test_staff_withdraw_a_quote(client, login_as, staff, db, requested):
    login_as(staff)
    client.submit(url(requested, "trekk-tilbake"), form_url=url(requested))
    assert fresh(requested, db).status == "withdrawn"
    client.submit(url(requested, "trekk-tilbake"), form_url=url(requested))
    assert "Bare forespurte eller utstedte tilbud kan trekkes tilbake" in html(
        client.get(url(requested))
    )


def test_customers_cannot_reach_the_staff_quote_pages(client, login_as, db, requested):
    login_as(requested.customer)
    token = client.csrf_token("/konto/send-bekreftelse")
    assert client.get("/admin/tilbud").status_code == 403
    assert client.get(url(requested)).status_code == 403
    response = client.post(url(requested, "utsted"), data={"csrf_token": token})
    assert response.status_code == 403
    assert fresh(requested, db).status == "requested"


def test_unknown_quote_is_404(client, login_as, staff):
    login_as(staff)
    assert client.get("/admin/tilbud/T-999999").status_code == 404
    assert client.get("/admin/tilbud/" + "T" * 500).status_code == 404
