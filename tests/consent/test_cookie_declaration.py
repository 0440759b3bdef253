"""Every cookie the shop sets is declared in the registry, under the purpose the visitor gave.

The walk requests every page type as an anonymous visitor, a customer, staff and a manager,
first before any choice (only `necessary` cookies may appear) and then after "Godta alle".
"""

from __future__ import annotations

import pytest

from bkm.consent.registry import COOKIES, NECESSARY, PURPOSES, declaration_of
from tests.consent.helpers import choose, set_cookies
from tests.factories import make_category, make_order, make_product

PUBLIC_PAGES = [
    "/",
    "/kategori/kontorstoler",
    "/kategori/kontorstoler?side=2&sorter=pris",
    "/produkt/kinnarps-6000",
    "/sok?q=stol",
    "/sok?q=",
    "/handlekurv",
    "/kontakt",
    "/personvern",
    "/personvern/versjon/1",
    "/cookie-innstillinger",
    "/konto/logg-inn",
    "/konto/registrer",
    "/konto/glemt-passord",
    "/finnes-ikke",
    "/helse",
]
CUSTOMER_PAGES = ["/konto/ordre", "/konto/samtykker", "/samtykke/nye-vilkar"]
STAFF_PAGES = ["/admin", "/admin/ordrer", "/admin/kunder"]
MANAGER_PAGES = ["/statistikk"]


@pytest.fixture
def shop(db):
    category = make_category(slug="kontorstoler", name="Kontorstoler")
    make_product(category=category, slug="kinnarps-6000", title="Kinnarps 6000 kontorstol")
    db.session.commit()


def assert_declared(response, allowed: set[str], where: str) -> None:
    for name, cookie in set_cookies(response).items():
        declaration = declaration_of(name)
        assert declaration is not None, f"{where} sets undeclared cookie {name}"
        if not cookie["expired"]:
            assert declaration.purpose in allowed, f"{where} sets {name} ({declaration.purpose})"


def walk(client, pages, allowed, who):
    for path in pages:
        response = client.get(path)
        assert response.status_code < 500, path
        assert_declared(response, allowed, f"{who} GET {path}")


def pages_for(role: str | None, order_number: str | None) -> list[str]:
    pages = list(PUBLIC_PAGES)
    if role:
        pages += CUSTOMER_PAGES
    if role == "customer" and order_number:
        pages.append(f"/konto/ordre/{order_number}")
    if role in ("staff", "manager"):
        pages += STAFF_PAGES
    if role == "manager":
        pages += MANAGER_PAGES
    return pages


@pytest.mark.req("R3.1")
@pytest.mark.req("R3.12")
@pytest.mark.parametrize("role", [None, "customer", "staff", "manager"])
def test_before_a_choice_only_necessary_cookies_are_set_on_any_page(
    client, login_as, shop, role, customer, staff, manager
):
    user = {"customer": customer, "staff": staff, "manager": manager}.get(role)
    order = make_order(customer=customer) if role == "customer" else None
    if user:
        login_as(user)
    walk(client, pages_for(role, order and order.number), {NECESSARY}, role or "anonymous")


@pytest.mark.req("R3.1")
@pytest.mark.req("R3.11")
@pytest.mark.parametrize("role", [None, "customer", "staff", "manager"])
def test_after_accepting_all_only_declared_cookies_of_given_purposes_are_set(
    client, login_as, shop, role, customer, staff, manager
):
    user = {"customer": customer, "staff": staff, "manager": manager}.get(role)
    if user:
        login_as(user)
    accepted = choose(client, "godta-alle")
    assert accepted.status_code == 303
    given = {p.key for p in PURPOSES}
    assert_declared(accepted, given, "POST /samtykke")
    assert "bkm_besok" in set_cookies(accepted)  # the statistics cookie comes with the yes
    walk(client, pages_for(role, None), given, role or "anonymous")


def test_logging_in_with_remember_me_sets_only_necessary_cookies(client, customer):
    response = client.submit(
        "/konto/logg-inn",
        {"email": customer.email, "password": "riktig-hest-batteri-stift", "remember": "y"},
    )
    assert response.status_code == 302
    assert {"session", "remember_token"} <= set(set_cookies(response))
    assert_declared(response, {NECESSARY}, "login")


def test_every_declared_cookie_names_a_known_purpose_and_says_what_it_does():
    keys = {p.key for p in PURPOSES}
    for cookie in COOKIES:
        assert cookie.purpose in keys
        assert cookie.description and cookie.lifetime
    for purpose in PURPOSES:
        assert purpose.what and purpose.by_whom and purpose.why


def test_the_cookie_declaration_on_the_privacy_page_comes_from_the_registry(client):
    html = client.get("/personvern").get_data(as_text=True)
    for cookie in COOKIES:
        if cookie.purpose != "marketing":  # Google Analytics is off unless configured
            assert f"<code>{cookie.name}" in html and cookie.description in html
    assert "<code>_ga" not in html
