"""Plain functions that make valid rows; override what a test cares about. They flush only."""

from __future__ import annotations

import itertools
from datetime import datetime

from bkm.accounts.models import User
from bkm.accounts.passwords import hash_password
from bkm.catalog.models import Category, Product, ProductImage
from bkm.catalog.pricing import set_price
from bkm.clock import utcnow
from bkm.extensions import db

_sequence = itertools.count(1)

DEFAULT_PASSWORD = "riktig-hest-batteri-stift"


def make_category(**overrides) -> Category:
    n = next(_sequence)
    fields = {"slug": f"kategori-{n}", "name": f"Kategori {n}", "description": "", "position": n}
    fields.update(overrides)
    category = Category(**fields)
    db.session.add(category)
    db.session.flush()
    return category


def make_product(
    *, price_ore: int = 150_000, at: datetime | None = None, images: int = 1, **overrides
) -> Product:
    n = next(_sequence)
    category = overrides.pop("category", None) or make_category()
    fields = {
        "sku": f"TEST-{n:05d}",
        "slug": f"testprodukt-{n}",
        "title": f"Testprodukt {n}",
        "description": "Brukt kontormøbel i god stand.",
        "brand": "Kinnarps",
        "condition": "B",
        "colour": "Svart",
        "stock_quantity": 1,
        "category": category,
        "created_at": at or utcnow(),
    }
    fields.update(overrides)
    product = Product(**fields)
    set_price(product, price_ore, at=fields["created_at"])
    for position in range(images):
        product.images.append(
            ProductImage(
                filename=f"test/{n}-{position}.svg", alt_text=fields["title"], position=position
            )
        )
    db.session.add(product)
    db.session.flush()
    return product


def make_user(*, role: str = "customer", password: str = DEFAULT_PASSWORD, **overrides) -> User:
    n = next(_sequence)
    fields = {"email": f"person{n}@example.no", "name": f"Person {n}", "role": role}
    fields.update(overrides)
    user = User(password_hash=hash_password(password), **fields)
    db.session.add(user)
    db.session.flush()
    return user
