"""Cart fixtures: products to buy and a way to post the product page's add-to-cart form."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bkm.cart.models import Cart, CartLine
from tests.factories import make_category, make_product

SAME_ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def desk(db):
    """A single unit, like most of the shop's items."""
    product = make_product(
        category=make_category(slug="skrivebord", name="Skrivebord"),
        slug="hev-senkebord",
        title="Hev-/senkebord 160 cm",
        price_ore=250_000,
        stock_quantity=1,
    )
    db.session.commit()
    return product


@pytest.fixture
def chairs(db):
    """Three identical chairs."""
    product = make_product(
        category=make_category(slug="kontorstoler", name="Kontorstoler"),
        slug="kinnarps-6000",
        title="Kinnarps 6000 kontorstol",
        price_ore=120_000,
        stock_quantity=3,
    )
    db.session.commit()
    return product


def add_to_cart(client, product, quantity=1, *, headers=SAME_ORIGIN, **fields):
    """POST the product page's form as a browser on this site would (no CSRF token)."""
    data = {"product_id": str(product.id), "quantity": str(quantity)}
    data.update(fields)
    return client.post("/handlekurv/legg-til", data=data, headers=headers)


def cart_rows(db) -> tuple[int, list[tuple[int, int]]]:
    """(number of carts, [(product_id, quantity)]) straight from the database."""
    db.session.expire_all()
    carts = db.session.scalar(sa.select(sa.func.count()).select_from(Cart))
    lines = db.session.execute(
        sa.select(CartLine.product_id, CartLine.quantity).order_by(CartLine.product_id)
    ).all()
    return carts, [tuple(row) for row in lines]


def page(response) -> str:
    return response.get_data(as_text=True)
