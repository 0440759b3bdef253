"""A visitor who refuses everything can still use the whole shop (R3.12)."""

from __future__ import annotations

import pytest

from bkm.consent.registry import NECESSARY, declaration_of
from bkm.orders.models import Order
from tests.cart.checkout_helpers import CHECKOUT, PRIVATE_GUEST
from tests.cart.conftest import SAME_ORIGIN
from tests.consent.helpers import choose, set_cookies
from tests.factories import make_category, make_product


@pytest.mark.req("R3.12")
def test_browse_search_cart_and_checkout_after_refusing_everything(client, db):
    desk = make_product(
        category=make_category(slug="skrivebord", name="Skrivebord"),
        slug="hev-senkebord",
        title="Hev-/senkebord 160 cm",
    )
    db.session.commit()
    choose(client, "avsla-alle")
    seen = set()
    for path in ("/", "/kategori/skrivebord", "/sok?q=bord", "/produkt/hev-senkebord"):
        response = client.get(path)
        assert response.status_code == 200
        seen |= set(set_cookies(response))
    added = client.post(
        "/handlekurv/legg-til", data={"product_id": desk.id, "quantity": 1}, headers=SAME_ORIGIN
    )
    assert added.status_code in (302, 303)
    seen |= set(set_cookies(added))
    assert "Hev-/senkebord" in client.get("/handlekurv").get_data(as_text=True)
    placed = client.submit(CHECKOUT, PRIVATE_GUEST)
    assert placed.status_code in (302, 303), placed.get_data(as_text=True)[:500]
    seen |= set(set_cookies(placed))
    assert db.session.query(Order).count() == 1
    assert all(declaration_of(name).purpose == NECESSARY for name in seen)
