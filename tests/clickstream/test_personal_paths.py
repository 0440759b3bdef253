"""Paths that name something of a person's — an order, a case, a link's token — are stored as
their route, never as visited (R2.2): the clickstream holds nothing that could lead to someone."""

from __future__ import annotations

import pytest

from tests.clickstream.helpers import COMPUTER_UA, counts, events
from tests.clickstream.test_collect import READ, post
from tests.consent.helpers import choose
from tests.factories import make_customer, make_order, make_product


@pytest.mark.req("R2.2")
def test_an_order_page_is_recorded_by_its_route_and_a_product_page_by_its_path(
    client, login_as, db
):
    kari = login_as(make_customer())
    order = make_order(kari)
    chair = make_product()
    db.session.commit()
    choose(client, "godta-alle")

    client.get(f"/konto/ordre/{order.number}", headers=COMPUTER_UA)
    client.get(f"/produkt/{chair.slug}", headers=COMPUTER_UA)

    paths = [event.path for event in events()]
    assert "/konto/ordre/<number>" in paths and f"/produkt/{chair.slug}" in paths
    assert not any(order.number in path for path in paths)


@pytest.mark.req("R2.2")
def test_a_beacon_from_a_page_with_a_token_is_stored_by_its_route(client):
    choose(client, "godta-alle")

    response = post(
        client, {"events": [{**READ, "path": "/konto/nytt-passord/eyJ1IjozfQ.abc.def"}]}
    )

    assert response.status_code == 204
    assert [event.path for event in events()] == ["/konto/nytt-passord/<token>"]


def test_without_consent_the_cookieless_counts_keep_routes_too(client, login_as, db):
    kari = login_as(make_customer())
    order = make_order(kari)
    db.session.commit()
    choose(client, "avsla-alle")

    client.get(f"/konto/ordre/{order.number}", headers=COMPUTER_UA)

    assert "/konto/ordre/<number>" in [row.path for row in counts()]
    assert not any(order.number in row.path for row in counts())
