"""The add-to-cart form has no CSRF token (page cache); a same-origin check guards it."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder

from bkm.origin import is_same_origin
from tests.cart.conftest import add_to_cart, cart_rows, page


def request_with(app, headers):
    return app.request_class(EnvironBuilder(method="POST", headers=headers).get_environ())


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost"},
        {"Origin": "https://LOCALHOST", "Sec-Fetch-Site": "same-origin"},
        {"Referer": "http://localhost/produkt/stol"},
        {"Referer": "http://localhost/produkt/stol", "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_requests_from_this_site_pass(app, headers):
    assert is_same_origin(request_with(app, headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://localhost.evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost:8080"},
        {},
        {"Referer": "https://evil.example/localhost"},
        {"Referer": "http://localhost/produkt/stol", "Sec-Fetch-Site": "cross-site"},
        {"Referer": "http://localhost/produkt/stol", "Sec-Fetch-Site": "same-site"},
        {"Referer": "not a url"},
        {"Origin": "http://[::1"},
    ],
)
def test_requests_from_elsewhere_or_unknown_fail(app, headers):
    assert not is_same_origin(request_with(app, headers))


def test_add_to_cart_from_a_foreign_site_is_refused_in_norwegian(client, db, desk):
    client.has_chosen()  # past the consent banner, whose form would start a session
    response = add_to_cart(client, desk, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "Varen ble ikke lagt i handlekurven" in page(response)
    assert "Set-Cookie" not in response.headers
    assert cart_rows(db) == (0, [])


def test_add_to_cart_without_origin_or_referer_is_refused(client, db, desk):
    assert add_to_cart(client, desk, headers={}).status_code == 403
    assert cart_rows(db) == (0, [])


def test_add_to_cart_from_this_site_is_accepted_without_a_csrf_token(client, db, desk):
    response = add_to_cart(client, desk, headers={"Origin": "http://localhost"})
    assert response.status_code == 303
    assert cart_rows(db) == (1, [(desk.id, 1)])


def test_add_to_cart_from_an_older_browser_with_only_a_referer_is_accepted(client, db, desk):
    response = add_to_cart(client, desk, headers={"Referer": "http://localhost/produkt/x"})
    assert response.status_code == 303
    assert cart_rows(db) == (1, [(desk.id, 1)])
