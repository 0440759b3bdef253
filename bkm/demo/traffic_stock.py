"""The demo's stock: the catalogue as its visitors see it day by day, and the furniture it buys
in to sell.

A used-furniture dealer sells each item once. The catalogue `flask bkm seed` made is what is
still for sale today; visitors see each of its items from the day it arrived. Every item a
demo visit buys is bought in first: a new product copied from a demo catalogue item (same
model, condition, price and drawing, its own SKU and picture file), stored by the seed's own
rule `seed_products`, arriving days to months (mean SHELF_DAYS) before its sale. Visitors see
it from its arrival to its sale, and afterwards it stays in the shop as sold, as real sold
items do. So the demo never sells what the seed put up for sale, and stock never runs out.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flask import current_app

from bkm.catalog.listing import visible_products
from bkm.clock import to_oslo
from bkm.demo import traffic_shape as shape
from bkm.demo.listings import PriceStep, ProductSpec, product_specs, slugify
from bkm.demo.seeding import seed_products
from bkm.demo.traffic_visits import Item, Page, description
from bkm.extensions import db

CATEGORY_PULL = {  # how much a top category is looked at and bought, per item
    "kontorstoler": 1.6,
    "hev-senkebord": 1.5,
    "skrivebord": 1.2,
    "konferansestoler": 0.9,
    "motebord": 0.9,
    "oppbevaring": 0.8,
    "skjermvegger": 0.7,
    "kantine-lounge": 0.7,
    "belysning": 0.6,
    "resepsjon": 0.6,
}
SOLD_PULL = 0.25  # a sold item is still found, less often
SHELF_DAYS = 35  # mean days an item waits for its buyer
MAX_SHELF_DAYS = 240
SKU = re.compile(r"BKM-(\d+)")


class DemoTrafficError(Exception):
    """The shop is not ready for demo traffic; the message says what to do, in Norwegian."""


def pull(category_slug: str, roots: dict[str, str]) -> float:
    return CATEGORY_PULL.get(roots.get(category_slug, category_slug), 1.0)


def top(category):
    while category.parent is not None:
        category = category.parent
    return category


def templates() -> list[ProductSpec]:
    """The demo catalogue's items the shop has: the models the demo buys in again."""
    shop = {p.sku for p in db.session.scalars(visible_products())}
    found = [spec for spec in product_specs() if spec.sku in shop and spec.is_active]
    if not found:
        raise DemoTrafficError(
            "Butikken har ikke demokatalogen. Kjør `flask --app wsgi bkm seed` først."
        )
    return found


def buy_in(
    rng: random.Random,
    models: list[ProductSpec],
    sales: list[tuple[str, datetime]],
    end: date,
    categories: dict,
) -> dict[str, str]:
    """Store an item for each (key "<model SKU>#n", moment of sale); returns key -> new SKU.
    New SKUs continue above every known one, older arrivals lower, as in a stock list."""
    by_sku = {spec.sku: spec for spec in models}
    known = [p.sku for p in product_specs()] + [
        p.sku for p in db.session.scalars(visible_products())
    ]
    number = max((int(m[1]) for sku in known if (m := SKU.fullmatch(sku))), default=10_000)
    now = datetime.combine(end + timedelta(days=1), time(0), UTC)
    wanted = []
    for key, sold_at in sales:
        shelf_days = min(MAX_SHELF_DAYS, 1 + int(rng.expovariate(1 / SHELF_DAYS)))
        arrival = to_oslo(sold_at).date() - timedelta(days=shelf_days)
        wanted.append((arrival, rng.randint(6 * 60, 14 * 60 + 59), key))  # shop hours, UTC
    specs, skus = [], {}
    for arrival, minute, key in sorted(wanted):
        number += rng.randint(1, 4)
        model = by_sku[key.split("#", 1)[0]]
        price = PriceStep((now.date() - arrival).days, minute, model.price_ore)
        specs.append(_copy(model, number, price))
        skus[key] = specs[-1].sku
    result = seed_products(specs, categories, Path(current_app.config["MEDIA_DIR"]), now)
    if result.created != len(specs):
        raise DemoTrafficError("Noen av de nye varenumrene finnes fra før; ingenting er lagret.")
    return skus


def _copy(model: ProductSpec, number: int, price: PriceStep) -> ProductSpec:
    sku = f"BKM-{number}"
    picture = replace(model.images[0], filename=f"products/{sku}-1.svg")
    return replace(
        model,
        sku=sku,
        slug=f"{slugify(model.title)}-{number}",
        stock_quantity=1,
        is_active=True,
        prices=(price,),
        images=(picture,),
    )


def shop_items(rng: random.Random, sales: dict[str, datetime], roots) -> dict[str, Item]:
    """Every visible product as visitors see it, by SKU; bought-in items until their sale."""
    items = {}
    category_pages: dict[int, Page] = {}
    for product in sorted(db.session.scalars(visible_products()), key=lambda p: p.sku):
        category = product.category
        chain = [category] + ([category.parent] if category.parent else [])
        for node in chain:
            if node.id not in category_pages:
                path = f"/kategori/{node.slug}"
                category_pages[node.id] = Page(path, description("category", category_id=node.id))
        sold_at = sales.get(product.sku)
        in_stock = product.stock_quantity > 0
        popularity = rng.lognormvariate(0, 0.9) * pull(category.slug, roots)
        items[product.sku] = Item(
            id=product.id,
            category_id=category.id,
            brand=product.brand,
            page=Page(
                f"/produkt/{product.slug}",
                description("product", product_id=product.id, category_id=category.id),
            ),
            # Its own category twice as often as the one above it (the breadcrumb's).
            category_pages=(category_pages[category.id],) * 2
            + tuple(category_pages[n.id] for n in chain[1:]),
            words=shape.SEARCH_WORDS.get(category.slug) or (category.name.casefold(),),
            weight=popularity * (1.0 if in_stock else SOLD_PULL),
            in_stock=in_stock,
            live_from=to_oslo(product.created_at).date(),
            live_until=to_oslo(sold_at).date() if sold_at else None,
        )
    return items
