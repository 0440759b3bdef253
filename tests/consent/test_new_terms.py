"""New terms (R8.1): a version that needs consent asks everyone again before it applies."""

from __future__ import annotations

import pytest
from flask_login import login_user

from bkm.consent.policy import PolicyError, publish, start_draft, update_draft
from bkm.consent.state import work_out_state
from bkm.extensions import db
from tests.consent.helpers import banner_shown, choose, ledger
from tests.factories import make_customer

CHANGE = "Vi har tatt i bruk en ny leverandør av e-post."


def publish_version(*, requires_consent: bool, summary: str = CHANGE) -> int:
    draft = start_draft(None)
    update_draft(
        draft,
        body=draft.body + "\n## Nytt avsnitt\n\nNy tekst.\n",
        change_summary=summary,
        requires_consent=requires_consent,
    )
    version = publish(draft, None).version
    db.session.commit()
    return version


@pytest.mark.req("R8.1")
def test_a_customer_must_answer_new_terms_before_anything_else(client, login_as, customer):
    login_as(customer)
    assert client.get("/konto/ordre").status_code == 200
    version = publish_version(requires_consent=True)

    for path in ("/", "/konto/ordre", "/handlekurv", "/sok?q=stol"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].startswith("/samtykke/nye-vilkar?neste=")
    refused_post = client.post(
        "/handlekurv/legg-til", data={}, headers={"Origin": "http://localhost"}
    )
    assert refused_post.status_code == 303
    as_json = client.get("/konto/ordre", headers={"Accept": "application/json"})
    assert as_json.status_code == 403 and "nye vilkårene" in as_json.get_json()["reason"]

    page = client.get("/samtykke/nye-vilkar?neste=/konto/ordre").get_data(as_text=True)
    assert 'data-testid="new-terms"' in page and CHANGE in page
    assert " checked" not in page and 'name="kanal" value="login"' in page
    for open_path in ("/personvern", "/cookie-innstillinger"):
        assert client.get(open_path).status_code == 200

    answered = choose(client, "lagre", "personalisation", channel="login", neste="/konto/ordre")
    assert answered.headers["Location"] == "/konto/ordre"
    assert client.get("/konto/ordre").status_code == 200
    row = ledger()[-1]
    assert (row.user_id, row.channel, row.policy_version, row.granted) == (
        customer.id,
        "login",
        version,
        "personalisation",
    )


@pytest.mark.req("R8.1")
def test_until_they_answer_nothing_that_needs_the_new_consent_applies(app, client, login_as):
    customer = make_customer()
    login_as(customer)
    choose(client, "godta-alle")  # a yes to everything, linked to the account
    with app.test_request_context():
        login_user(customer)
        # No browser cookie here: personalisation follows the account's answer.
        assert work_out_state().granted == frozenset({"personalisation"})
    publish_version(requires_consent=True)
    with app.test_request_context():
        login_user(customer)
        state = work_out_state()
        assert state.needs_login_answer and state.granted == frozenset()


@pytest.mark.req("R8.1")
def test_logging_out_stays_possible_and_staff_are_not_stopped(client, login_as, customer, staff):
    publish_version(requires_consent=True)
    login_as(customer)
    response = client.submit("/konto/logg-ut", {}, form_url="/samtykke/nye-vilkar")
    assert response.status_code == 302
    login_as(staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.req("R8.1")
def test_the_banner_asks_a_visitor_again_and_says_what_changed(client):
    choose(client, "godta-alle")
    assert not banner_shown(client.get("/"))
    publish_version(requires_consent=True)
    page = client.get("/")
    assert banner_shown(page)
    html = page.get_data(as_text=True)
    assert 'data-testid="consent-changed"' in html and CHANGE in html
    # Until the visitor answers, the old yes no longer counts: no statistics cookie is renewed.
    choose(client, "avsla-alle")
    assert [r.policy_version for r in ledger()] == [1, 2]
    assert ledger()[0].consent_id == ledger()[1].consent_id


def test_a_minor_version_needs_no_new_consent(client, login_as, customer):
    choose(client, "avsla-alle")
    login_as(customer)
    publish_version(requires_consent=False, summary="Rettet en skrivefeil.")
    assert client.get("/konto/ordre").status_code == 200
    assert not banner_shown(client.get("/"))
    assert "Versjon 2" in client.get("/personvern").get_data(as_text=True)


@pytest.mark.req("R8.1")
def test_a_choice_made_in_the_banner_before_logging_in_counts_for_the_account(client, login_as):
    publish_version(requires_consent=True)
    customer = make_customer()  # answered version 2 at creation; make one who has not:
    db.session.commit()
    other = make_customer(answered_terms=False)
    db.session.commit()
    choose(client, "lagre", "statistics", channel="banner")
    login_as(other)
    assert client.get("/konto/ordre").status_code == 200
    linked = ledger()[-1]
    assert (linked.user_id, linked.channel, linked.granted) == (other.id, "login", "statistics")
    assert customer.id != other.id


def test_a_version_that_needs_consent_must_say_what_changed(db):
    draft = start_draft(None)
    update_draft(draft, body=draft.body, change_summary=" ", requires_consent=True)
    with pytest.raises(PolicyError, match="Skriv hva som er endret"):
        publish(draft, None)


def test_a_published_version_cannot_be_changed(db):
    publish_version(requires_consent=False)
    from bkm.consent.policy import published

    with pytest.raises(PolicyError, match="kan ikke endres"):
        update_draft(published(2), body="x", change_summary="", requires_consent=False)
