"""The account and admin pages render in Norwegian within the strict CSP."""

from __future__ import annotations

import pytest

from bkm.accounts.tokens import make_password_token
from tests.factories import make_customer
from tests.test_pages_render import assert_shop_page


@pytest.mark.parametrize(
    "url", ["/konto/registrer", "/konto/glemt-passord", "/konto/logg-inn", "/konto/bekreft/x"]
)
def test_public_account_pages_render_within_the_csp(client, url):
    response = client.get(url)
    assert response.mimetype == "text/html"
    assert_shop_page(response.get_data(as_text=True))


def test_new_password_page_renders_within_the_csp(client, db):
    user = make_customer()
    db.session.commit()
    response = client.get(f"/konto/nytt-passord/{make_password_token(user)}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert_shop_page(page)
    assert 'name="robots" content="noindex"' in page


@pytest.mark.parametrize("url", ["/admin/", "/admin/kunder", "/admin/kunder/ny"])
def test_admin_pages_render_within_the_csp(client, login_as, staff, url):
    make_customer()
    login_as(staff)
    page = client.get(url).get_data(as_text=True)
    assert_shop_page(page)
    assert 'name="robots" content="noindex"' in page
