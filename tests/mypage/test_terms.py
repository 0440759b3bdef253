"""Min side – Vilkår: the customer manages every consent in one place (R9.2, R3.6, R3.7)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bkm.extensions import db
from bkm.newsletter.models import ContactPreference, Subscription
from bkm.personal.models import Interest
from bkm.personal.profile import note_product_view
from tests.consent.helpers import ledger
from tests.factories import make_customer, make_product

TERMS = "/min-side/vilkar"


@pytest.mark.req("R9.2")
def test_terms_page_shows_every_consent_and_the_history(client, login_as):
    login_as(make_customer())

    page = client.get(TERMS).get_data(as_text=True)

    for hook in (
        "consent-purpose-statistics",
        "consent-purpose-personalisation",
        'data-testid="newsletter-state"',
        "contact-calls",
        "contact-catalogues",
        'data-testid="consent-history"',
    ):
        assert hook in page, hook


@pytest.mark.req("R3.6")
def test_withdrawing_personalisation_on_min_side_deletes_the_profile(client, login_as):
    kari = login_as(make_customer())
    client.submit(
        "/samtykke",
        {"handling": "lagre", "formaal": ["personalisation"], "kanal": "mypage", "neste": TERMS},
        form_url=TERMS,
    )
    note_product_view(kari.id, make_product())
    db.session.commit()
    assert db.session.scalars(select(Interest).where(Interest.user_id == kari.id)).all()

    response = client.submit(
        "/samtykke", {"handling": "avsla-alle", "kanal": "mypage", "neste": TERMS}, form_url=TERMS
    )

    assert response.status_code == 303 and response.headers["Location"] == TERMS
    db.session.expire_all()
    assert db.session.scalars(select(Interest).where(Interest.user_id == kari.id)).all() == []
    latest = ledger()[-1]
    assert (latest.channel, latest.user_id, latest.action) == ("mypage", kari.id, "withdraw")


@pytest.mark.req("R3.7")
def test_saying_no_to_calls_and_catalogues_on_min_side_returns_there(client, login_as):
    kari = login_as(make_customer())
    client.submit(
        "/konto/markedsforing/kontakt",
        {"ringe": "ja", "kataloger": "ja", "neste": TERMS},
        form_url=TERMS,
    )

    response = client.submit("/konto/markedsforing/kontakt", {"neste": TERMS}, form_url=TERMS)

    assert response.headers["Location"] == TERMS
    db.session.expire_all()
    prefs = db.session.get(ContactPreference, kari.id)
    assert prefs.calls_allowed is False and prefs.catalogues_allowed is False


@pytest.mark.req("R3.8")
def test_newsletter_from_min_side_needs_its_own_box_and_can_be_left_there(client, login_as):
    kari = login_as(make_customer())

    unticked = client.submit(
        "/konto/markedsforing", {"handling": "meld-pa", "neste": TERMS}, form_url=TERMS
    )
    joined = client.submit(
        "/konto/markedsforing",
        {"handling": "meld-pa", "nyhetsbrev": "y", "neste": TERMS},
        form_url=TERMS,
    )

    assert unticked.status_code == 400
    assert joined.headers["Location"] == TERMS
    db.session.expire_all()
    assert db.session.scalar(select(Subscription).where(Subscription.user_id == kari.id))
    left = client.submit(
        "/konto/markedsforing", {"handling": "meld-av", "neste": TERMS}, form_url=TERMS
    )
    assert left.headers["Location"] == TERMS
    db.session.expire_all()
    assert db.session.scalar(select(Subscription).where(Subscription.user_id == kari.id)) is None


def test_a_foreign_return_address_is_not_followed(client, login_as):
    login_as(make_customer())

    response = client.submit(
        "/konto/markedsforing/kontakt", {"neste": "https://evil.example/"}, form_url=TERMS
    )

    assert response.headers["Location"] == "/konto/markedsforing"
