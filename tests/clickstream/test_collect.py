"""POST /collect: strict about what it takes; a 204 means the events are stored."""

from __future__ import annotations

import json
import uuid

import pytest

from bkm.consent.registry import VISITOR_COOKIE
from tests.cart.conftest import SAME_ORIGIN
from tests.clickstream.helpers import COMPUTER_UA, events
from tests.consent.helpers import choose

CLICK = {"type": "product_click", "path": "/kategori/kontorstoler", "product_id": 7}
READ = {"type": "time_on_page", "path": "/produkt/stol", "duration_ms": 4200}


def post(client, body, *, headers=None, raw: bool = False):
    data = body if raw else json.dumps(body)
    return client.post(
        "/collect",
        data=data,
        content_type="application/json",
        headers={**SAME_ORIGIN, **COMPUTER_UA, **(headers or {})},
    )


@pytest.fixture
def consenting(client):
    choose(client, "godta-alle")
    return client


@pytest.mark.req("R6.1")
def test_a_good_batch_is_stored_before_the_204(consenting):
    response = post(consenting, {"events": [CLICK, READ]})
    assert response.status_code == 204
    rows = events()
    assert [(r.type, r.product_id, r.duration_ms) for r in rows] == [
        ("product_click", 7, None),
        ("time_on_page", None, 4200),
    ]
    visitor = consenting.get_cookie(VISITOR_COOKIE).value
    assert {r.visitor_id for r in rows} == {visitor} and rows[0].visit_id == rows[1].visit_id


def test_sendbeacon_text_plain_bodies_are_read_too(consenting):
    response = consenting.post(
        "/collect",
        data=json.dumps({"events": [READ]}),
        content_type="text/plain;charset=UTF-8",
        headers={**SAME_ORIGIN, **COMPUTER_UA},
    )
    assert response.status_code == 204 and len(events()) == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"events": [{**CLICK, "type": "purchase"}]}, "ukjent type"),
        ({"events": [CLICK] * 51}, "Høyst 50"),
        ({"events": []}, "minst én"),
        ({"events": [{**CLICK, "customer": "kari@example.no"}]}, "ukjente eller manglende felt"),
        ({"events": [{**CLICK, "path": "https://evil.example/"}]}, "«path»"),
        ({"events": [{**CLICK, "product_id": -1}]}, "«product_id»"),
        ({"events": [{**CLICK, "product_id": True}]}, "«product_id»"),
        ({"events": [{**READ, "duration_ms": "lenge"}]}, "«duration_ms»"),
        ({"events": [{**CLICK, "duration_ms": 5}]}, "bare «time_on_page»"),
        ({"events": [{"type": "product_click", "path": "/"}]}, "må ha «product_id»"),
        ({"events": CLICK}, "må være en liste"),
        ({"events": [CLICK], "extra": 1}, "bare «events»"),
        ([CLICK], "bare «events»"),
    ],
)
def test_a_bad_batch_is_refused_with_a_reason_and_nothing_is_stored(consenting, body, reason):
    response = post(consenting, body)
    assert response.status_code == 400
    assert reason in response.get_json()["reason"]
    assert events() == []


@pytest.mark.parametrize(
    "body", [b"not json", b"{", '{"events": [\udcff]}'.encode("utf-8", "surrogatepass")]
)
def test_a_body_that_is_not_json_is_refused(consenting, body):
    response = post(consenting, body, raw=True)
    assert response.status_code == 400 and "JSON" in response.get_json()["reason"]
    assert events() == []


def test_a_megabyte_is_refused_as_too_large(consenting):
    response = post(consenting, b"x" * (1024 * 1024), raw=True)
    assert response.status_code == 413 and response.get_json()["reason"]
    assert events() == []


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}],
)
def test_a_batch_from_another_site_is_refused(consenting, headers):
    response = post(consenting, {"events": [CLICK]}, headers=headers)
    assert response.status_code == 403 and events() == []


@pytest.mark.req("R6.2")
def test_without_statistics_consent_nothing_is_stored(client):
    assert post(client, {"events": [CLICK]}).status_code == 403
    choose(client, "avsla-alle")
    client.set_cookie(VISITOR_COOKIE, "e" * 32)
    assert post(client, {"events": [CLICK]}).status_code == 403
    choose(client, "godta-alle")
    refused = post(client, {"events": [CLICK]}, headers={"Sec-GPC": "1"})
    assert refused.status_code == 403 and "samtykke" in refused.get_json()["reason"]
    assert events() == []


def test_bots_get_a_204_and_are_not_stored(consenting):
    response = post(consenting, {"events": [CLICK]}, headers={"User-Agent": "Googlebot/2.1"})
    assert response.status_code == 204 and events() == []


def test_the_collector_is_rate_limited_per_truncated_address(app_factory):
    from tests.client import ShopClient

    app = app_factory(COLLECT_RATE_LIMIT="3/minute")
    app.test_client_class = ShopClient
    with app.app_context():
        client = app.test_client()
        choose(client, "godta-alle")
        answers = []
        for last_byte in range(1, 6):  # different addresses in one /16: one counter
            client.environ_base["REMOTE_ADDR"] = f"198.51.{last_byte}.{last_byte}"
            answers.append(post(client, {"events": [CLICK]}).status_code)
        assert answers == [204, 204, 204, 429, 429]
        limited = post(client, {"events": [CLICK]})
        assert limited.get_json()["reason"]
        assert len(events()) == 3


def test_with_redis_the_limit_is_shared_and_keeps_only_truncated_addresses(app_factory):
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from tests.client import ShopClient

    prefix = f"bkm-test-{uuid.uuid4().hex}"
    app = app_factory(
        REDIS_URL="redis://127.0.0.1:6379/15",
        RATELIMIT_KEY_PREFIX=prefix,
        COLLECT_RATE_LIMIT="2/minute",
    )
    app.test_client_class = ShopClient
    try:
        with app.app_context():
            client = app.test_client()
            choose(client, "godta-alle")
            client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
            answers = [post(client, {"events": [CLICK]}).status_code for _ in range(3)]
            assert answers == [204, 204, 429]
        keys = [key.decode() for key in server.scan_iter(f"*{prefix}*")]
        assert keys and all("198.51.0.0" in key and "100.23" not in key for key in keys)
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
