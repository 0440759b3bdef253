"""Forms that guess passwords, send mail, open cases or hold stock are rate limited per
truncated address, with a Norwegian 429 page (issue 9; the collector's own limit is tested in
tests/clickstream/test_collect.py)."""

from __future__ import annotations

import uuid

import pytest

from tests.client import ShopClient
from tests.factories import DEFAULT_PASSWORD, make_customer, make_product


@pytest.fixture
def limited(app_factory):
    """An app of its own with a limit of 2 per minute everywhere; counters in a fresh prefix."""

    def _build(**limits):
        app = app_factory(RATELIMIT_KEY_PREFIX=f"bkm-limits-{uuid.uuid4().hex}", **limits)
        app.test_client_class = ShopClient
        return app

    return _build


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_login_attempts_are_limited_per_16_and_answered_in_norwegian(limited):
    app = limited(LOGIN_RATE_LIMIT="2/minute")
    with app.app_context():
        client = _from(app.test_client(), "198.51.100.7")
        data = {"email": "ingen@example.no", "password": "feil-passord"}
        answers = [client.submit("/konto/logg-inn", data).status_code for _ in range(3)]
        neighbour = _from(app.test_client(), "198.51.7.1")  # same /16: same counter
        elsewhere = _from(app.test_client(), "203.0.113.7")

        assert answers == [200, 200, 429]
        page = neighbour.submit("/konto/logg-inn", data)
        assert page.status_code == 429 and "For mange forespørsler" in page.get_data(as_text=True)
        assert elsewhere.submit("/konto/logg-inn", data).status_code == 200
        assert client.get("/konto/logg-inn").status_code == 200  # reading the form is free


@pytest.mark.parametrize(
    ("setting", "url", "data"),
    [
        ("REGISTRATION_RATE_LIMIT", "/konto/registrer", {"name": ""}),
        ("PASSWORD_RESET_RATE_LIMIT", "/konto/glemt-passord", {"email": "x@example.no"}),
    ],
)
def test_registration_and_password_reset_are_limited(limited, setting, url, data):
    app = limited(**{setting: "2/minute"})
    with app.app_context():
        client = _from(app.test_client(), "198.51.100.8")
        answers = [client.submit(url, data).status_code for _ in range(3)]
        assert answers[-1] == 429 and 429 not in answers[:2]


def test_adding_to_carts_and_holding_them_at_checkout_are_limited(limited, db):
    app = limited(CART_RATE_LIMIT="2/minute", CHECKOUT_HOLD_RATE_LIMIT="1/minute")
    with app.app_context():
        products = [make_product() for _ in range(3)]
        db.session.commit()
        client = _from(app.test_client(), "198.51.100.9")
        added = [
            client.post(
                "/handlekurv/legg-til",
                data={"product_id": p.id, "quantity": 1},
                headers={"Origin": "http://localhost"},
            ).status_code
            for p in products
        ]
        assert added[-1] == 429 and 429 not in added[:2]
        assert client.get("/kasse").status_code == 200
        assert client.get("/kasse").status_code == 429


def test_cases_from_one_address_are_limited(limited, db):
    app = limited(CONTACT_RATE_LIMIT="1/minute")
    with app.app_context():
        kari = make_customer()
        db.session.commit()
        client = _from(app.test_client(), "198.51.100.10")
        client.submit("/konto/logg-inn", {"email": kari.email, "password": DEFAULT_PASSWORD})
        data = {"subject": "Personopplysninger", "body": "Hva har dere om meg?"}
        first = client.submit("/min-side/kontakt", data)
        second = client.submit("/min-side/kontakt", data)
        assert first.status_code == 303 and second.status_code == 429
