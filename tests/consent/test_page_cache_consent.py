"""The anonymous micro-cache and consent: a page with the banner's CSRF form is never shared;
once a visitor has chosen, their pages are shared with visitors in the same consent state."""

from __future__ import annotations

from bkm.consent.state import ConsentState
from bkm.extensions import db
from tests.factories import make_category, make_product


def cache(app):
    return app.extensions["bkm_page_cache"]


def make_page(db_session=db):
    make_product(category=make_category(slug="stoler"), slug="stol", title="Stol")
    db_session.session.commit()


def test_a_first_visit_with_the_banner_is_not_stored(app, client, db):
    make_page()
    response = client.get("/produkt/stol")
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert len(cache(app)) == 0


def test_a_visitor_who_has_chosen_gets_and_fills_the_shared_page(app, client, db):
    make_page()
    client.has_chosen()
    client.get("/")  # the session holds only Flask-WTF's and Flask-Login's markers now
    response = client.get("/produkt/stol")
    assert 'name="csrf_token"' not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert len(cache(app)) >= 1


def test_pages_are_shared_only_within_one_consent_state(app):
    with app.test_request_context():
        from bkm.consent.policy import snapshot

        policy = snapshot()
    base = {
        "policy": policy,
        "offered": (),
        "choice": None,
        "earlier_choice": None,
        "account_answer": None,
        "tracking_refused": False,
        "needs_login_answer": False,
    }
    banner = ConsentState(**base, granted=frozenset())
    refused = ConsentState(**{**base, "choice": object()}, granted=frozenset())
    accepted = ConsentState(**{**base, "choice": object()}, granted=frozenset({"marketing"}))
    assert len({banner.cache_key(), refused.cache_key(), accepted.cache_key()}) == 3
