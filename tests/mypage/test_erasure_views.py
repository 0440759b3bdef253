"""Min side – «Slett meg»: the preflight, then erasure after the password (R9.5, R3.10)."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from bkm.accounts.models import User
from bkm.extensions import db
from bkm.orders.documents import issue_invoice, mark_invoice_paid
from bkm.orders.history import find_order
from bkm.privacy.exceptions import RULES
from tests.accounts.helpers import mails
from tests.factories import DEFAULT_PASSWORD, make_customer, make_order, ship_all

URL = "/min-side/slett-meg"


def html(response) -> str:
    return response.get_data(as_text=True)


def blocking_checks(page: str) -> dict[str, str]:
    """{rule code: "ja"/"nei"} as the page shows each of the six checks."""
    found = re.findall(r'data-testid="erasure-check-([a-z-]+)" data-blocks="(ja|nei)"', page)
    return {code.replace("-", "_"): blocks for code, blocks in found}


def exists(user_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(User, user_id) is not None


def test_the_overview_links_to_slett_meg_by_its_endpoint(app):
    with app.test_request_context():
        assert url_for("mypage.erasure") == URL


@pytest.mark.req("R9.5")
def test_preflight_shows_all_six_checks_and_the_form_when_nothing_blocks(client, login_as):
    login_as(make_customer())
    page = client.get(URL)
    assert page.status_code == 200
    text = html(page)
    assert blocking_checks(text) == {rule.code: "nei" for rule in RULES}
    assert 'data-testid="erasure-allowed"' in text
    assert 'data-testid="erasure-form"' in text
    assert "www.datatilsynet.no" in text
    assert 'data-testid="erasure-kept-none"' in text
    assert page.headers["Cache-Control"] == "private, no-store"


@pytest.mark.req("R9.5")
def test_unshipped_order_blocks_with_the_reason_and_until_when(client, login_as):
    customer = make_customer()
    order = make_order(customer)
    login_as(customer)
    text = html(client.get(URL))
    checks = blocking_checks(text)
    assert checks.pop("open_order") == "ja"
    assert set(checks.values()) == {"nei"}
    assert order.number in text
    assert "Til bestillingen er sendt, hentet eller kansellert." in text
    assert 'data-testid="erasure-form"' not in text
    assert "www.datatilsynet.no" in text


@pytest.mark.req("R9.5")
def test_posting_anyway_while_blocked_is_refused_and_erases_nothing(client, login_as):
    customer = make_customer()
    make_order(customer)
    login_as(customer)
    token = client.csrf_token("/min-side/opplysninger")
    response = client.post(
        URL, data={"csrf_token": token, "password": DEFAULT_PASSWORD, "confirm": "y"}
    )
    assert response.status_code == 409
    assert 'data-testid="erasure-blocked"' in html(response)
    assert exists(customer.id)
    assert mails("erasure_confirmation") == []


@pytest.mark.req("R9.5")
def test_wrong_password_changes_nothing(client, login_as):
    customer = login_as(make_customer())
    response = client.submit(URL, {"password": "feil-passord", "confirm": "y"})
    assert response.status_code == 400
    assert "Passordet er feil. Ingenting er slettet." in html(response)
    assert exists(customer.id)
    assert mails("erasure_confirmation") == []
    assert client.get("/min-side/").status_code == 200  # still logged in


def test_confirmation_box_must_be_ticked(client, login_as):
    customer = login_as(make_customer())
    response = client.submit(URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "Kryss av for å bekrefte at du vil slette kontoen." in html(response)
    assert exists(customer.id)


@pytest.mark.req("R3.10")
@pytest.mark.req("R9.5")
def test_erasure_after_the_password_logs_out_and_confirms(client, login_as, db):
    customer = make_customer()
    order = make_order(customer)
    ship_all(order)
    mark_invoice_paid(issue_invoice(order), None)
    customer_id, email, number = customer.id, customer.email, order.number
    db.session.commit()
    client.submit(
        "/konto/logg-inn", {"email": email, "password": DEFAULT_PASSWORD, "remember": "y"}
    )

    response = client.submit(URL, {"password": DEFAULT_PASSWORD, "confirm": "y"})

    assert response.status_code == 200
    text = html(response)
    assert 'data-testid="erasure-done"' in text
    assert "Faktura 10001" in text
    assert not exists(customer_id)
    (confirmation,) = mails("erasure_confirmation")
    assert confirmation.recipient == email
    assert any("remember_token=;" in c for c in response.headers.getlist("Set-Cookie"))
    again = client.get("/min-side/")
    assert again.status_code == 302 and "/konto/logg-inn" in again.headers["Location"]
    assert (
        client.submit("/konto/logg-inn", {"email": email, "password": DEFAULT_PASSWORD}).status_code
        == 200
    )  # the account is gone: the login form says no
    db.session.expire_all()
    assert find_order(number).customer_id is None


def test_staff_have_no_slett_meg_and_visitors_must_log_in(client, login_as, staff):
    assert client.get(URL).status_code == 302
    login_as(staff)
    assert client.get(URL).status_code == 403
