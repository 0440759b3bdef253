"""Proof of consent (the ledger) and withdrawal that deletes what the consent allowed (R3.6)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, inspect, update

from bkm.consent import on_withdrawal
from bkm.consent.models import ConsentLedgerIsAppendOnly, ConsentRecord
from bkm.consent.recording import _HANDLERS, classify
from bkm.consent.registry import CHOICE_COOKIE, VISITOR_COOKIE
from bkm.extensions import db
from tests.consent.helpers import choose, ledger, set_cookies


def test_the_ledger_keeps_no_ip_address_and_no_user_agent():
    columns = {c["name"] for c in inspect(db.engine).get_columns("consent_records")}
    assert columns == {
        "id",
        "consent_id",
        "action",
        "granted",
        "refused",
        "policy_version",
        "text_digest",
        "channel",
        "at",
        "user_id",
    }


def test_choices_from_one_browser_share_a_consent_id_and_record_what_was_shown(client):
    choose(client, "godta-alle")
    choose(client, "lagre", "personalisation", channel="settings")
    first, second = ledger()
    assert first.consent_id == second.consent_id and len(first.consent_id) == 32
    assert first.text_digest == second.text_digest and len(first.text_digest) == 64
    assert first.user_id is None and first.at is not None
    assert second.action == "withdraw"  # statistics was given before, and is not now


def test_a_choice_made_logged_in_is_linked_to_the_customer_only_then(client, login_as, customer):
    choose(client, "avsla-alle")
    login_as(customer)
    choose(client, "godta-alle", channel="settings")
    rows = [r for r in ledger() if r.channel in ("banner", "settings")]
    assert [(r.channel, r.user_id) for r in rows] == [("banner", None), ("settings", customer.id)]


@pytest.mark.parametrize(
    ("granted", "before", "action"),
    [
        ({"statistics", "personalisation"}, set(), "accept"),
        (set(), set(), "reject"),
        ({"statistics"}, set(), "custom"),
        ({"statistics"}, {"statistics"}, "custom"),
        (set(), {"personalisation"}, "withdraw"),
        ({"personalisation"}, {"statistics"}, "withdraw"),
    ],
)
def test_each_choice_is_classified(granted, before, action):
    offered = frozenset({"statistics", "personalisation"})
    assert classify(frozenset(granted), offered, frozenset(before)) == action


def test_the_ledger_is_append_only(db):
    choose_row = ConsentRecord(
        consent_id="c" * 32,
        action="accept",
        policy_version=1,
        text_digest="0" * 64,
        channel="banner",
    )
    db.session.add(choose_row)
    db.session.commit()
    choose_row.action = "reject"
    with pytest.raises(ConsentLedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(choose_row)
    with pytest.raises(ConsentLedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    for statement in (update(ConsentRecord).values(action="reject"), delete(ConsentRecord)):
        with pytest.raises(ConsentLedgerIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()


@pytest.fixture
def deleted_for():
    """Records the withdrawals a package would act on; unregisters itself afterwards."""
    seen = []

    def handler(withdrawal):
        seen.append(withdrawal)

    on_withdrawal("statistics")(handler)
    on_withdrawal("personalisation")(handler)
    yield seen
    for purpose in ("statistics", "personalisation"):
        _HANDLERS[purpose].remove(handler)


@pytest.mark.req("R3.6")
def test_withdrawing_expires_the_cookies_and_deletes_what_the_consent_allowed(
    client, login_as, customer, deleted_for
):
    login_as(customer)
    accepted = choose(client, "godta-alle")
    visitor_id = set_cookies(accepted)[VISITOR_COOKIE]["value"]
    assert deleted_for == []

    withdrawn = choose(client, "avsla-alle", channel="settings")
    cookies = set_cookies(withdrawn)
    assert cookies[VISITOR_COOKIE]["expired"]  # from the server: it is HttpOnly
    assert not cookies[CHOICE_COOKIE]["expired"]
    assert {w.purpose for w in deleted_for} == {"statistics", "personalisation"}
    statistics = next(w for w in deleted_for if w.purpose == "statistics")
    assert statistics.cookies[VISITOR_COOKIE] == visitor_id
    assert statistics.user_id == customer.id
    assert ledger()[-1].action == "withdraw"
    # The next page finds the visitor without the cookie and sets no new one.
    assert VISITOR_COOKIE not in set_cookies(client.get("/"))


@pytest.mark.req("R3.6")
def test_a_statistics_cookie_left_behind_without_consent_is_expired_on_the_next_page(client):
    choose(client, "avsla-alle")
    client.set_cookie(VISITOR_COOKIE, "d" * 32)
    client.set_cookie("_ga", "GA1.1.123.456")
    cookies = set_cookies(client.get("/kontakt"))
    assert cookies[VISITOR_COOKIE]["expired"] and cookies["_ga"]["expired"]


def test_the_customer_sees_their_consent_history(client, login_as, customer):
    login_as(customer)
    choose(client, "lagre", "statistics", channel="settings")
    page = client.get("/konto/samtykker").get_data(as_text=True)
    assert 'data-testid="consent-history"' in page
    assert "Tilpasset valg" in page and "Cookie-innstillinger" in page
    assert "Statistikk" in page and "Personlig innhold" in page


def test_the_history_needs_a_login(client):
    response = client.get("/konto/samtykker")
    assert response.status_code == 302 and "/konto/logg-inn" in response.headers["Location"]
