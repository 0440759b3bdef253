"""Every route in the URL map, walked as five people: a visitor, the customer who owns the
data, another customer, a staff member and a manager (issue 9). Each (endpoint, person) has an
expected answer; a route added without a rule here fails the suite, so no page is left open
by accident.

GET routes are opened; POST-only routes are posted with a valid CSRF token and no data by
everyone who must be refused (who is allowed is each feature's own tests' business — a POST
there would change the shop).
"""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.world import World, url_of

ROLES = ("anonymous", "owner", "other", "staff", "manager")
LOGIN = "login"  # a redirect to the login page


def access(anonymous, owner, other, staff, manager) -> dict:
    return dict(zip(ROLES, (anonymous, owner, other, staff, manager), strict=True))


def refusals(expected: dict) -> dict:
    """For a POST: the refusals only; None where the person may (not posted, see above)."""
    return {role: a if a in (LOGIN, 403, 404) else None for role, a in expected.items()}


PUBLIC = access(200, 200, 200, 200, 200)
LOGGED_IN = access(LOGIN, 200, 200, 200, 200)
CUSTOMERS = access(LOGIN, 200, 200, 403, 403)
OWNER = access(LOGIN, 200, 404, 404, 404)
STAFF = access(LOGIN, 403, 403, 200, 200)
MANAGERS = access(LOGIN, 403, 403, 403, 200)


# (endpoint, method) -> {person: answer}. For a POST, only the refusals are checked (see above).
# Answers that are not about who may: cart.add and clickstream.collect refuse a POST without
# the shop's Origin (403); checkout with an empty cart goes back to the cart (303); bad link
# tokens are 400, and the analytics CSV of an unknown table 404.
EXPECTED = {
    ("accounts.accept_quote_post", "POST"): refusals(OWNER),
    ("accounts.case", "GET"): OWNER,
    ("accounts.cases", "GET"): LOGGED_IN,
    ("accounts.complain", "GET"): OWNER,
    ("accounts.decline_quote_post", "POST"): refusals(OWNER),
    ("accounts.document", "GET"): OWNER,
    ("accounts.document_pdf", "GET"): OWNER,
    ("accounts.forgot_password", "GET"): PUBLIC,
    ("accounts.login", "GET"): access(200, 302, 302, 302, 302),
    ("accounts.order", "GET"): OWNER,
    ("accounts.orders", "GET"): LOGGED_IN,
    ("accounts.quote", "GET"): OWNER,
    ("accounts.quotes", "GET"): LOGGED_IN,
    ("accounts.register", "GET"): access(200, 302, 302, 302, 302),
    ("accounts.resend_verification", "GET"): LOGGED_IN,
    ("accounts.reset_password", "GET"): access(400, 400, 400, 400, 400),
    ("accounts.verify_email", "GET"): access(400, 400, 400, 400, 400),
    ("accounts.withdraw_order", "GET"): OWNER,
    ("admin.access_requests", "GET"): STAFF,
    ("admin.call_list_export", "GET"): STAFF,
    ("admin.cancel", "POST"): refusals(STAFF),
    ("admin.case", "GET"): STAFF,
    ("admin.cases", "GET"): STAFF,
    ("admin.catalogue_list_export", "GET"): STAFF,
    ("admin.close", "POST"): refusals(STAFF),
    ("admin.confirm", "POST"): refusals(STAFF),
    ("admin.credit_note", "POST"): refusals(STAFF),
    ("admin.customer", "GET"): STAFF,
    ("admin.customer_contact", "POST"): refusals(STAFF),
    ("admin.customer_credit_notice", "POST"): refusals(STAFF),
    ("admin.customer_reservation", "POST"): refusals(STAFF),
    ("admin.customers", "GET"): STAFF,
    ("admin.delivered", "POST"): refusals(STAFF),
    ("admin.document_pdf", "GET"): STAFF,
    ("admin.erase_customer", "POST"): refusals(STAFF),
    ("admin.erasure_facts", "GET"): STAFF,
    ("admin.index", "GET"): STAFF,
    ("admin.invoice", "POST"): refusals(STAFF),
    ("admin.issue", "POST"): refusals(STAFF),
    ("admin.marketing", "GET"): STAFF,
    ("admin.new_customer", "GET"): STAFF,
    ("admin.new_newsletter", "GET"): STAFF,
    ("admin.new_offer", "GET"): STAFF,
    ("admin.newsletter", "GET"): STAFF,
    ("admin.newsletters", "GET"): STAFF,
    ("admin.offer", "GET"): STAFF,
    ("admin.offer_newsletter", "POST"): refusals(STAFF),
    ("admin.offers", "GET"): STAFF,
    ("admin.order", "GET"): STAFF,
    ("admin.order_credit_notice", "POST"): refusals(STAFF),
    ("admin.orders", "GET"): STAFF,
    ("admin.packing_slip", "POST"): refusals(STAFF),
    ("admin.paid", "POST"): refusals(STAFF),
    ("admin.picked_up", "POST"): refusals(STAFF),
    ("admin.preview_newsletter", "GET"): STAFF,
    ("admin.privacy.edit_processor", "GET"): MANAGERS,
    ("admin.privacy.end_processor", "POST"): refusals(MANAGERS),
    ("admin.privacy.ledger", "GET"): MANAGERS,
    ("admin.privacy.ledger_export", "GET"): MANAGERS,
    ("admin.privacy.new_processor", "GET"): MANAGERS,
    ("admin.privacy.new_version", "POST"): refusals(MANAGERS),
    ("admin.privacy.processors", "GET"): MANAGERS,
    ("admin.privacy.version", "GET"): MANAGERS,
    ("admin.privacy.versions", "GET"): MANAGERS,
    ("admin.quote", "GET"): STAFF,
    ("admin.quotes", "GET"): STAFF,
    ("admin.record_credit_fact", "POST"): refusals(STAFF),
    ("admin.record_death_fact", "POST"): refusals(STAFF),
    ("admin.record_debt_sale_fact", "POST"): refusals(STAFF),
    ("admin.record_misuse_fact", "POST"): refusals(STAFF),
    ("admin.reply", "POST"): refusals(STAFF),
    ("admin.send_newsletter", "GET"): STAFF,
    ("admin.ship", "POST"): refusals(STAFF),
    ("admin.test_newsletter", "POST"): refusals(STAFF),
    ("admin.withdraw", "POST"): refusals(STAFF),
    ("analytics.consent", "GET"): MANAGERS,
    ("analytics.consent_csv", "GET"): access(LOGIN, 403, 403, 403, 404),
    ("analytics.devices", "GET"): MANAGERS,
    ("analytics.devices_csv", "GET"): access(LOGIN, 403, 403, 403, 404),
    ("analytics.journeys", "GET"): MANAGERS,
    ("analytics.journeys_csv", "GET"): access(LOGIN, 403, 403, 403, 404),
    ("analytics.overview", "GET"): MANAGERS,
    ("analytics.overview_csv", "GET"): access(LOGIN, 403, 403, 403, 404),
    ("analytics.pages", "GET"): MANAGERS,
    ("analytics.pages_csv", "GET"): access(LOGIN, 403, 403, 403, 404),
    ("analytics.products", "GET"): MANAGERS,
    ("analytics.products_csv", "GET"): access(LOGIN, 403, 403, 403, 404),
    ("analytics.purchases", "GET"): MANAGERS,
    ("analytics.purchases_csv", "GET"): access(LOGIN, 403, 403, 403, 404),
    ("analytics.traffic", "GET"): MANAGERS,
    ("analytics.traffic_csv", "GET"): access(LOGIN, 403, 403, 403, 404),
    ("cart.add", "POST"): access(403, 403, 403, 403, 403),
    ("cart.checkout", "GET"): access(303, 303, 303, 303, 303),
    ("cart.receipt", "GET"): access(404, 200, 404, 404, 404),
    ("cart.remove", "POST"): refusals(PUBLIC),
    ("cart.request_quote_view", "POST"): refusals(PUBLIC),
    ("cart.update", "POST"): refusals(PUBLIC),
    ("cart.view", "GET"): PUBLIC,
    ("cart.withdrawal_form", "GET"): PUBLIC,
    ("catalog.category", "GET"): PUBLIC,
    ("catalog.contact", "GET"): PUBLIC,
    ("catalog.index", "GET"): PUBLIC,
    ("catalog.product", "GET"): PUBLIC,
    ("catalog.search", "GET"): PUBLIC,
    ("clickstream.collect", "POST"): access(403, 403, 403, 403, 403),
    ("consent.choose", "POST"): refusals(PUBLIC),
    ("consent.history", "GET"): LOGGED_IN,
    ("consent.new_terms", "GET"): access(LOGIN, 302, 302, 302, 302),
    ("consent.policy", "GET"): PUBLIC,
    ("consent.policy_version", "GET"): PUBLIC,
    ("consent.settings", "GET"): PUBLIC,
    ("health", "GET"): PUBLIC,
    ("media.file", "GET"): PUBLIC,
    ("mypage.access_download", "GET"): access(LOGIN, 404, 404, 403, 403),
    ("mypage.access_log", "GET"): CUSTOMERS,
    ("mypage.confirm_email", "GET"): access(LOGIN, 400, 400, 403, 403),
    ("mypage.contact", "GET"): CUSTOMERS,
    ("mypage.data", "GET"): CUSTOMERS,
    ("mypage.download_data", "POST"): refusals(CUSTOMERS),
    ("mypage.erasure", "GET"): CUSTOMERS,
    ("mypage.overview", "GET"): CUSTOMERS,
    ("mypage.profile", "GET"): CUSTOMERS,
    ("mypage.send_data", "POST"): refusals(CUSTOMERS),
    ("mypage.terms", "GET"): CUSTOMERS,
    ("newsletter.confirm", "GET"): access(400, 400, 400, 400, 400),
    ("newsletter.marketing", "GET"): CUSTOMERS,
    ("newsletter.save_contact_preferences", "POST"): refusals(CUSTOMERS),
    ("newsletter.unsubscribe", "POST"): refusals(PUBLIC),
    ("newsletter.unsubscribe_page", "GET"): access(400, 400, 400, 400, 400),
    ("static", "GET"): PUBLIC,
}


def answer(response) -> int | str:
    response.close()  # static and media files are streamed from an open file
    if response.status_code == 302 and "/konto/logg-inn" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


def walk(app, client, world: World, role: str) -> dict[tuple[str, str], int | str]:
    """{(endpoint, method): answer} for every route, as `role`."""
    person = world.person(role)
    if person is not None:
        client.submit("/konto/logg-inn", {"email": person.email, "password": DEFAULT_PASSWORD})
    token = client.csrf_token("/konto/logg-inn" if person is None else "/cookie-innstillinger")
    answers = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        url = url_of(app, world, rule)
        method = "GET" if "GET" in rule.methods else "POST"
        expected = EXPECTED.get((rule.endpoint, method), {}).get(role, "no rule")
        if method == "GET":
            answers[(rule.endpoint, method)] = answer(client.get(url))
        elif expected is not None and rule.endpoint != "accounts.logout":
            answers[(rule.endpoint, method)] = answer(client.post(url, data={"csrf_token": token}))
    return answers


@pytest.mark.req("R5.1")
@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_person_as_expected(app, client, world, role):
    found = walk(app, client, world, role)

    unruled = sorted(key for key in found if key not in EXPECTED)
    assert not unruled, f"routes without a rule in tests/test_route_walk.py: {unruled}"
    wrong = {
        key: (answer_, EXPECTED[key][role])
        for key, answer_ in found.items()
        if EXPECTED[key][role] != answer_
    }
    assert not wrong, f"as {role}: {{route: (answer, expected)}} = {wrong}"


def test_every_rule_names_a_route_that_exists(app):
    routes = {
        (rule.endpoint, "GET" if "GET" in rule.methods else "POST")
        for rule in app.url_map.iter_rules()
    }
    assert set(EXPECTED) - routes == set()
