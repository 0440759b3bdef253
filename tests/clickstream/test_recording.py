"""Server-side recording: who lands in which table (R2.2, R6.1, R6.2, R3.11, R3.6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bkm.clickstream.visits import Visit, continue_visit, parse_visit
from bkm.consent.registry import VISITOR_COOKIE
from tests.cart.conftest import SAME_ORIGIN
from tests.clickstream.helpers import COMPUTER_UA, counts, events
from tests.consent.helpers import choose
from tests.factories import make_category, make_product

FULL_IP = "203.0.113.77"


@pytest.fixture
def shop(db):
    chairs = make_category(slug="kontorstoler", name="Kontorstoler")
    product = make_product(category=chairs, slug="kinnarps-6000", title="Kinnarps 6000")
    db.session.commit()
    return product


def browse(client, *paths, **headers):
    for path in paths:
        assert client.get(path, headers={**COMPUTER_UA, **headers}).status_code == 200


@pytest.mark.req("R2.2")
@pytest.mark.req("R6.1")
@pytest.mark.req("R3.11")
def test_a_consenting_visitor_is_recorded_with_a_random_visitor_id_and_a_visit(client, shop):
    choose(client, "godta-alle")
    visitor_id = client.get_cookie(VISITOR_COOKIE).value
    browse(client, "/", "/kategori/kontorstoler", "/produkt/kinnarps-6000", "/sok?q=stol")
    rows = events()
    assert [r.type for r in rows] == ["page_view", "category_view", "product_view", "search"]
    assert {r.visitor_id for r in rows} == {visitor_id}
    assert len({r.visit_id for r in rows}) == 1
    product_view = rows[2]
    assert (product_view.product_id, product_view.category_id) == (shop.id, shop.category_id)
    assert rows[-1].search_query == "stol"
    assert {(r.device, r.os, r.browser) for r in rows} == {("computer", "Linux", "Firefox")}
    assert counts() == []


def test_a_cached_product_page_is_still_recorded_as_that_product(app, client, shop):
    choose(client, "godta-alle")
    browse(client, "/produkt/kinnarps-6000", "/produkt/kinnarps-6000")
    assert len(app.extensions["bkm_page_cache"]) >= 1
    assert [r.product_id for r in events() if r.type == "product_view"] == [shop.id, shop.id]


def test_adding_to_cart_and_buying_are_recorded(client, shop):
    choose(client, "godta-alle")
    client.post(
        "/handlekurv/legg-til", data={"product_id": shop.id, "quantity": 1}, headers=SAME_ORIGIN
    )
    client.get("/kasse")
    from tests.cart.checkout_helpers import CHECKOUT, PRIVATE_GUEST

    assert client.submit(CHECKOUT, PRIVATE_GUEST).status_code == 303
    kinds = [(r.type, r.product_id, r.checkout_step) for r in events() if r.type != "page_view"]
    assert ("add_to_cart", shop.id, "") in kinds
    assert ("checkout_step", None, "details") in kinds
    assert ("purchase", shop.id, "") in kinds


@pytest.mark.req("R6.2")
@pytest.mark.parametrize("gpc", [False, True])
def test_a_visitor_without_statistics_consent_is_only_counted(client, shop, gpc):
    headers = {"Sec-GPC": "1"} if gpc else {}
    choose(client, "avsla-alle" if not gpc else "godta-alle", extra_headers=headers)
    browse(client, "/produkt/kinnarps-6000", "/produkt/kinnarps-6000", "/", **headers)
    assert events() == []
    rows = {(c.path, c.page_type, c.product_id, c.device): c.views for c in counts()}
    assert rows == {
        ("/produkt/kinnarps-6000", "product", shop.id, "computer"): 2,
        ("/", "front", 0, "computer"): 1,
    }


def test_a_first_visit_before_any_choice_is_only_counted(client, shop):
    browse(client, "/")
    assert events() == [] and counts()[0].views == 1


def test_bots_are_counted_apart(client, shop):
    choose(client, "godta-alle")
    client.get("/", headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    assert events() == []
    assert [c.device for c in counts()] == ["bot"]


def test_the_staff_area_and_assets_are_not_recorded(client, login_as, staff):
    login_as(staff)
    choose(client, "godta-alle")
    client.get("/admin/")
    client.get("/static/css/shop.css").close()
    client.get("/helse")
    assert events() == []
    assert not [c for c in counts() if c.path.startswith(("/admin", "/static", "/helse"))]


def test_referrer_hosts_and_campaigns_are_kept_without_paths(client, shop):
    choose(client, "godta-alle")
    client.get(
        "/?utm_source=nyhetsbrev&utm_medium=epost&utm_campaign=host",
        headers={**COMPUTER_UA, "Referer": "https://www.google.no/search?q=kari+nordmann"},
    )
    [row] = events()
    assert row.referrer_host == "www.google.no"
    assert (row.utm_source, row.utm_medium, row.utm_campaign) == ("nyhetsbrev", "epost", "host")


@pytest.mark.req("R6.3")
def test_the_full_ip_address_is_stored_nowhere_and_logged_nowhere(client, shop, caplog, db):
    choose(client, "godta-alle")
    client.environ_base["REMOTE_ADDR"] = FULL_IP
    caplog.set_level("DEBUG")
    browse(client, "/", "/produkt/kinnarps-6000")
    client.post(
        "/collect",
        json={"events": [{"type": "time_on_page", "path": "/", "duration_ms": 1200}]},
        headers={**SAME_ORIGIN, **COMPUTER_UA},
    )
    assert {r.ip_prefix for r in events()} == {"203.0.0.0"}
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f"SELECT * FROM {table.name}")):
            assert FULL_IP not in " ".join(map(str, row)), table.name
    assert FULL_IP not in caplog.text


@pytest.mark.req("R3.6")
def test_withdrawing_statistics_cuts_the_visitor_ids_link(client, shop):
    choose(client, "godta-alle")
    browse(client, "/", "/produkt/kinnarps-6000")
    choose(client, "avsla-alle", channel="settings")
    assert events() and {r.visitor_id for r in events()} == {""}
    assert client.get_cookie(VISITOR_COOKIE) is None
    browse(client, "/")
    assert all(r.visitor_id == "" for r in events())


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_a_visit_ends_after_30_idle_minutes():
    first = continue_visit(None, at(10))
    assert continue_visit(first, at(10, 29)).visit_id == first.visit_id
    assert continue_visit(Visit(first.visit_id, at(10)), at(10, 30)).visit_id != first.visit_id


def test_a_visit_ends_at_midnight_in_oslo():
    late = continue_visit(None, at(22, 50))  # 23:50 in Oslo (UTC+1 in November)
    assert continue_visit(late, at(22, 59)).visit_id == late.visit_id
    assert continue_visit(late, at(23, 5)).visit_id != late.visit_id  # 00:05 in Oslo


def test_a_visit_cookie_is_parsed_strictly():
    visit = continue_visit(None, at(9))
    assert parse_visit(visit.cookie_value()) == visit
    for bad in ("", "x.1", "a" * 32 + ".", "a" * 32 + ".-5", "a" * 32 + "." + "9" * 20):
        assert parse_visit(bad) is None
    assert continue_visit(Visit("b" * 32, at(11)), at(10)).visit_id != "b" * 32  # from the future
    assert timedelta(minutes=30)
