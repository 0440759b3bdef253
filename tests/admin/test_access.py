"""The staff area has one door: staff and managers in, customers 403, visitors to the login."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import user_count

PAGES = ["/admin/", "/admin/kunder", "/admin/kunder/ny"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/logg-inn?next=")


@pytest.mark.parametrize("url", PAGES)
def test_customers_are_forbidden(client, login_as, customer, url):
    login_as(customer)
    response = client.get(url)
    assert response.status_code == 403
    assert "Ingen tilgang" in response.get_data(as_text=True)


def test_customers_cannot_register_customers_by_posting_either(client, login_as, customer):
    login_as(customer)
    before = user_count()
    token = client.csrf_token("/konto/send-bekreftelse")
    response = client.post(
        "/admin/kunder/ny",
        data={"csrf_token": token, "name": "Sniket Inn", "email": "sniket@example.no"},
    )
    assert response.status_code == 403
    assert user_count() == before


@pytest.mark.parametrize("role", ["staff", "manager"])
@pytest.mark.parametrize("url", PAGES)
def test_staff_and_managers_get_in(client, login_as, request, role, url):
    login_as(request.getfixturevalue(role))
    response = client.get(url)
    assert response.status_code == 200
    assert 'aria-label="Admin"' in response.get_data(as_text=True)


def test_every_admin_route_is_behind_the_check(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]
    assert rules and all(r.rule.startswith("/admin") for r in rules)
    assert app.before_request_funcs.get("admin")
