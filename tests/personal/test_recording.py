"""What the shop's pages record in the profile: only for a logged-in customer with consent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bkm.personal.models import Interest
from tests.cart.checkout_helpers import CHECKOUT, PRIVATE_GUEST
from tests.cart.conftest import add_to_cart
from tests.consent.helpers import choose
from tests.factories import (
    make_consent_record,
    make_customer,
    make_issued_quote,
    make_user,
)
from tests.personal.conftest import product_in, profile


@pytest.fixture
def desk(tree, db):
    product = product_in(tree.desks, slug="skrivebord-160", brand="Kinnarps", stock_quantity=2)
    db.session.commit()
    return product


def desk_keys(desk) -> set[tuple[str, str]]:
    return {("category", str(desk.category_id)), ("brand", "Kinnarps")}


def test_a_product_view_is_recorded_for_a_consenting_customer(client, login_as, consenting, desk):
    login_as(consenting)
    assert client.get(f"/produkt/{desk.slug}").status_code == 200
    client.get(f"/produkt/{desk.slug}")
    assert profile(consenting) == dict.fromkeys(desk_keys(desk), 2.0)


def test_nothing_is_recorded_for_a_customer_without_the_consent(client, login_as, desk, db):
    customer = make_customer()
    make_consent_record(user=customer, granted=("statistics",))
    db.session.commit()
    login_as(customer)
    assert client.get(f"/produkt/{desk.slug}").status_code == 200
    assert profile(customer) == {}


def test_the_browsers_choice_does_not_stand_in_for_the_accounts(client, login_as, customer, desk):
    client.has_chosen("personalisation", "statistics")  # the account itself answered no
    login_as(customer)
    client.get(f"/produkt/{desk.slug}")
    assert profile(customer) == {}


def test_nothing_is_recorded_for_anonymous_visitors(client, desk, db):
    client.has_chosen("personalisation")
    assert client.get(f"/produkt/{desk.slug}").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Interest)) == 0


def test_nothing_is_recorded_for_staff(client, login_as, desk, db):
    staff = make_user(role="staff")
    make_consent_record(user=staff, granted=("personalisation",))
    db.session.commit()
    login_as(staff)
    assert client.get(f"/produkt/{desk.slug}").status_code == 200
    assert profile(staff) == {}


def test_a_checkout_records_the_purchase_with_the_order(client, login_as, consenting, desk):
    login_as(consenting)
    add_to_cart(client, desk)
    response = client.submit(CHECKOUT, {**PRIVATE_GUEST, "email": consenting.email})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert profile(consenting) == dict.fromkeys(desk_keys(desk), 5.0)


def test_a_checkout_without_the_consent_records_nothing(client, login_as, customer, desk):
    login_as(customer)
    add_to_cart(client, desk)
    response = client.submit(CHECKOUT, {**PRIVATE_GUEST, "email": customer.email})
    assert response.status_code == 303
    assert profile(customer) == {}


def test_accepting_a_quote_records_the_purchase(client, login_as, consenting, desk, db):
    quote = make_issued_quote(consenting, {desk: 2})
    db.session.commit()
    login_as(consenting)
    response = client.submit(
        f"/konto/tilbud/{quote.number}/godta",
        {"delivery_method": "pickup"},
        form_url=f"/konto/tilbud/{quote.number}",
    )
    assert response.status_code == 303
    assert profile(consenting) == dict.fromkeys(desk_keys(desk), 5.0)  # one line, two units


@pytest.mark.req("R3.6")
def test_withdrawing_the_consent_deletes_the_profile(client, login_as, consenting, desk):
    login_as(consenting)
    client.get(f"/produkt/{desk.slug}")
    assert profile(consenting)

    response = choose(client, "avsla-alle", channel="settings")

    assert response.status_code == 303
    assert profile(consenting) == {}
    client.get(f"/produkt/{desk.slug}")  # and nothing grows again
    assert profile(consenting) == {}


@pytest.mark.req("R3.6")
def test_refusing_only_personalisation_deletes_the_profile_too(client, login_as, consenting, desk):
    login_as(consenting)
    client.get(f"/produkt/{desk.slug}")
    choose(client, "lagre", "statistics", channel="settings")
    assert profile(consenting) == {}


def test_a_choice_made_in_another_browser_logged_out_leaves_the_profile(
    client, login_as, consenting, desk
):
    login_as(consenting)
    client.get(f"/produkt/{desk.slug}")
    other_browser = client.application.test_client()
    choose(other_browser, "avsla-alle")
    assert profile(consenting) == dict.fromkeys(desk_keys(desk), 1.0)
