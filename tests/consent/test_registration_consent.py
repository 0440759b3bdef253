"""Registering answers the privacy statement in force: optional consents, none ticked."""

from __future__ import annotations

from bkm.consent.choice import decode_choice
from bkm.consent.registry import CHOICE_COOKIE, VISITOR_COOKIE
from tests.accounts.helpers import user_by_email
from tests.accounts.test_registration import PRIVATE, URL
from tests.consent.helpers import ledger, set_cookies


def test_the_registration_form_offers_the_consents_unticked(client):
    html = client.get(URL).get_data(as_text=True)
    form = html[html.index('data-testid="register-form"') :]
    assert 'value="statistics"' in form and 'value="personalisation"' in form
    assert "Samtykker (valgfritt)" in form and " checked" not in form


def test_registering_with_a_consent_records_it_for_the_new_customer(client):
    response = client.submit(URL, {**PRIVATE, "formaal": ["statistics"]})
    assert response.status_code == 302
    user = user_by_email("kari.nordmann@example.no")
    [row] = ledger()
    assert (row.user_id, row.channel, row.action, row.granted) == (
        user.id,
        "registration",
        "custom",
        "statistics",
    )
    cookies = set_cookies(response)
    assert decode_choice(cookies[CHOICE_COOKIE]["value"]).granted == {"statistics"}
    assert client.get("/konto/ordre").status_code == 200  # answered: no new-terms page
    assert client.get_cookie(VISITOR_COOKIE) is not None  # statistics was given


def test_registering_without_ticking_anything_is_a_refusal(client):
    client.submit(URL, PRIVATE)
    [row] = ledger()
    assert (row.action, row.granted, row.refused) == ("reject", "", "personalisation,statistics")


def test_an_unknown_consent_on_the_registration_form_is_refused_in_norwegian(client):
    response = client.submit(URL, {**PRIVATE, "formaal": ["alt"]})
    assert response.status_code == 200
    assert "Ukjent samtykke" in response.get_data(as_text=True)
    assert user_by_email("kari.nordmann@example.no") is None and ledger() == []
