"""The collector's fast path: a beacon from a visitor who is not logged in is answered in
front of Flask, by the same rule (collect.answer_batch) with the same outcomes."""

from __future__ import annotations

import json

import pytest

from bkm.clickstream.fast_path import CollectFastPath
from bkm.consent.registry import VISITOR_COOKIE
from tests.clickstream.helpers import COMPUTER_UA, events
from tests.client import ShopClient

CLICK = {"type": "product_click", "path": "/kategori/stoler", "product_id": 7}
SAME_ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def fast(app_factory):
    """An app whose Flask part counts the requests it sees, and a browser without a session
    that has given statistics consent."""
    app = app_factory()
    app.test_client_class = ShopClient
    seen: list[str] = []
    app.before_request(lambda: seen.append("flask"))
    with app.app_context():
        client = app.test_client()
        client.has_chosen("statistics")
        client.set_cookie(VISITOR_COOKIE, "f" * 32)
        yield app, client, seen


def post(client, body, **headers):
    return client.post(
        "/collect",
        data=body if isinstance(body, bytes) else json.dumps(body),
        content_type="application/json",
        headers={**SAME_ORIGIN, **COMPUTER_UA, **headers},
    )


def test_the_app_has_the_fast_path_in_front(fast):
    app, _, _ = fast
    assert isinstance(app.wsgi_app, CollectFastPath)


@pytest.mark.req("R6.1")
def test_a_good_batch_is_answered_in_front_of_flask_and_stored(fast):
    _, client, seen = fast
    response = post(client, {"events": [CLICK]})
    assert response.status_code == 204 and seen == []
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [row] = events()
    assert (row.type, row.product_id, row.visitor_id) == ("product_click", 7, "f" * 32)
    assert client.get_cookie("bkm_okt") is not None


@pytest.mark.parametrize(
    ("body", "headers", "status", "reason"),
    [
        ({"events": [{**CLICK, "type": "x"}]}, {}, 400, "ukjent type"),
        (b"not json", {}, 400, "JSON"),
        (b"x" * (1024 * 1024), {}, 413, "For mange data"),
        ({"events": [CLICK]}, {"Origin": "https://evil.example"}, 403, "kom ikke fra"),
        ({"events": [CLICK]}, {"Sec-GPC": "1"}, 403, "Ingen samtykke"),
    ],
)
def test_refusals_are_the_same_as_behind_flask(fast, body, headers, status, reason):
    _, client, seen = fast
    response = post(client, body, **headers)
    assert response.status_code == status and reason in response.get_json()["reason"]
    assert seen == []
    client.application.extensions["bkm_clickstream"].flush()
    assert events() == []


def test_without_consent_the_fast_path_stores_nothing(app_factory):
    app = app_factory()
    with app.app_context():
        client = app.test_client()
        client.set_cookie(VISITOR_COOKIE, "f" * 32)
        assert post(client, {"events": [CLICK]}).status_code == 403
        app.extensions["bkm_clickstream"].flush()
        assert events() == []


def test_a_visitor_with_a_session_goes_through_flask(fast):
    _, client, seen = fast
    client.set_cookie("session", "anything")
    assert post(client, {"events": [CLICK]}).status_code == 204
    assert seen == ["flask"]
