"""The banner's form, with and without JavaScript, and the choice cookie it leaves."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest

from bkm.consent.choice import Choice, decode_choice, encode_choice
from bkm.consent.registry import CHOICE_COOKIE, VISITOR_COOKIE
from tests.consent.helpers import banner_shown, choose, ledger, set_cookies


def test_first_visit_shows_the_banner_with_three_equal_buttons_and_nothing_ticked(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert banner_shown(response)
    banner = html[html.index('<section class="consent-banner"') : html.index("</section>")]
    assert 'aria-labelledby="samtykke-tittel"' in banner and "role=" not in banner.split(">")[0]
    assert html.index('data-testid="consent-banner"') < html.index('data-testid="skip-link"')
    for hook, label in [
        ("consent-accept-all", "Godta alle"),
        ("consent-reject-all", "Avslå alle"),
        ("consent-customize", "Tilpass"),
    ]:
        button = banner[banner.rindex("<button", 0, banner.index(hook)) : banner.index(label)]
        assert 'type="submit" class="button consent-button"' in button
    assert " checked" not in banner
    assert 'name="csrf_token"' in banner


def test_rejecting_without_javascript_saves_the_choice_and_goes_back_with_303(client):
    response = choose(client, "avsla-alle", neste="/sok?q=stol")
    assert response.status_code == 303
    assert response.headers["Location"] == "/sok?q=stol"
    cookies = set_cookies(response)
    assert VISITOR_COOKIE not in cookies
    choice = decode_choice(cookies[CHOICE_COOKIE]["value"])
    assert choice.granted == frozenset() and choice.policy_version == 1
    assert (
        cookies[CHOICE_COOKIE]["max_age"] == 365 * 24 * 3600 and cookies[CHOICE_COOKIE]["httponly"]
    )
    assert not banner_shown(client.get("/"))
    [row] = ledger()
    assert (row.action, row.granted, row.refused, row.channel) == (
        "reject",
        "",
        "personalisation,statistics",
        "banner",
    )


def test_accepting_with_javascript_answers_json_and_sets_the_statistics_cookie(client):
    response = choose(client, "godta-alle", json=True)
    assert response.status_code == 200
    assert response.get_json()["granted"] == ["personalisation", "statistics"]
    cookies = set_cookies(response)
    assert len(cookies[VISITOR_COOKIE]["value"]) == 32 and cookies[VISITOR_COOKIE]["httponly"]
    assert ledger()[0].action == "accept"


def test_a_custom_choice_grants_only_the_ticked_purposes(client):
    choose(client, "lagre", "statistics", channel="settings")
    [row] = ledger()
    assert (row.action, row.granted, row.refused, row.channel) == (
        "custom",
        "statistics",
        "personalisation",
        "settings",
    )


def test_customize_without_javascript_leads_to_the_settings_page(client):
    response = choose(client, "tilpass", neste="/kontakt")
    assert response.status_code == 303
    assert response.headers["Location"] == "/cookie-innstillinger?neste=/kontakt"
    assert ledger() == []
    page = client.get("/cookie-innstillinger?neste=/kontakt").get_data(as_text=True)
    assert 'data-testid="consent-save"' in page and " checked" not in page
    assert 'name="neste" value="/kontakt"' in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "\\\\evil"])
def test_the_way_back_never_leaves_the_shop(client, target):
    response = choose(client, "avsla-alle", neste=target)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"handling": "alt"}, "Ukjent valg"),
        ({"handling": ""}, "Velg «Godta alle», «Avslå alle» eller «Tilpass»."),
        ({"handling": "lagre", "formaal": ["marketing"]}, "Ukjent formål"),
        ({"handling": "lagre", "formaal": ["x" * 5000]}, "Ukjent formål"),
        ({"handling": "lagre", "kanal": "checkout"}, "Ukjent skjema"),
    ],
)
def test_bad_input_gets_a_norwegian_reason_and_stores_nothing(client, data, reason):
    fields = {"kanal": "banner", **data}
    as_json = client.submit(
        "/samtykke",
        fields,
        form_url="/cookie-innstillinger",
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 400 and reason in as_json.get_json()["reason"]
    as_form = client.submit("/samtykke", fields, form_url="/cookie-innstillinger")
    assert as_form.status_code == 400 and reason in as_form.get_data(as_text=True)
    assert CHOICE_COOKIE not in set_cookies(as_form)
    assert ledger() == []


def test_the_form_needs_its_csrf_token(client):
    response = client.post("/samtykke", data={"handling": "godta-alle", "kanal": "banner"})
    assert response.status_code == 400
    assert ledger() == []


def _cookie(app, **change):
    fields = {"consent_id": "a" * 32, "granted": frozenset({"statistics"}), "policy_version": 1}
    fields.update(change)
    with app.test_request_context():
        return encode_choice(Choice(**fields))


@pytest.mark.parametrize(
    "value",
    [
        "not-a-cookie",
        "",
        "eyJpIjoiYWFhYSJ9.forged.signature",
        "x" * 4000,
    ],
)
def test_a_forged_or_malformed_choice_cookie_counts_as_no_choice(client, value):
    client.set_cookie(CHOICE_COOKIE, value)
    response = client.get("/")
    assert response.status_code == 200 and banner_shown(response)


def test_a_choice_cookie_signed_with_another_key_counts_as_no_choice(client, app_factory):
    other = app_factory(SECRET_KEY="a-different-secret-key-for-this-test")
    client.set_cookie(CHOICE_COOKIE, _cookie(other))
    assert banner_shown(client.get("/"))


def test_a_choice_with_unknown_purposes_counts_as_no_choice(client, app):
    client.set_cookie(CHOICE_COOKIE, _cookie(app, granted=frozenset({"everything"})))
    assert banner_shown(client.get("/"))


def test_a_choice_older_than_twelve_months_asks_again(client, app):
    client.set_cookie(CHOICE_COOKIE, _cookie(app))
    assert not banner_shown(client.get("/"))
    later = time.time() + timedelta(days=366).total_seconds()
    with mock.patch("itsdangerous.timed.time.time", return_value=later):
        assert banner_shown(client.get("/"))


@pytest.mark.parametrize("header", [{"Sec-GPC": "1"}, {"DNT": "1"}])
def test_global_privacy_control_and_do_not_track_refuse_statistics(client, app, header):
    client.set_cookie(CHOICE_COOKIE, _cookie(app))
    client.set_cookie(VISITOR_COOKIE, "b" * 32)
    response = client.get("/", headers=header)
    assert set_cookies(response)[VISITOR_COOKIE]["expired"]  # the server takes it back
    accepted = choose(client, "godta-alle", extra_headers=header)
    assert (
        VISITOR_COOKIE not in set_cookies(accepted)
        or set_cookies(accepted)[VISITOR_COOKIE]["expired"]
    )
    page = client.get("/cookie-innstillinger", headers=header).get_data(as_text=True)
    assert "Global Privacy Control" in page
