"""The analytics benchmark's catalogue: the seeded shop's pages as tables numpy can index.

Every path a visit can request, with what its view records (page type, event type, product,
category), the products' popularity and their neighbours (a journey moves on within a
category), what people search for, and the User-Agents and address prefixes visitors have.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

import numpy as np
from sqlalchemy import text

from bkm.clickstream.devices import classify
from bkm.demo import traffic_shape as shape
from bkm.demo.traffic_visits import address_prefixes
from bkm.extensions import db

EVENT_COLUMNS = (
    "at", "type", "path", "page_type", "product_id", "category_id", "search_query",
    "checkout_step", "duration_ms", "referrer_host", "utm_source", "utm_medium", "utm_campaign",
    "device", "os", "browser", "ip_prefix", "visitor_id", "visit_id",
)  # fmt: skip
COUNT_COLUMNS = (
    "day", "path", "page_type", "product_id", "category_id", "device", "referrer_host", "views",
)  # fmt: skip
KINDS = ("front", "category", "product", "search", "info")
LATER_KINDS = np.array([0.13, 0.22, 0.50, 0.10, 0.05])  # after the landing page
NEIGHBOURS = 48  # per product: others in its category (or brand) a journey moves on to
SAME_CATEGORY = 0.7
ANSWER_CODES = list(shape.ANSWERS)  # accept_all, statistics_only, personalisation_only, …
GRANTED = {0: "personalisation,statistics", 1: "statistics", 2: "personalisation", 3: ""}
ACTIONS = {0: "accept", 1: "custom", 2: "custom", 3: "reject"}
OFFERED = ("personalisation", "statistics")
FIXED_PAGES = (  # path, page_type, event type of its view
    ("/", "front", "page_view"),
    ("/kontakt", "info", "page_view"),
    ("/sok", "search", "search"),
    ("/handlekurv", "cart", "page_view"),
    ("/kasse", "checkout", "page_view"),
    ("/handlekurv/legg-til", "", "add_to_cart"),
    ("/kasse", "", "purchase"),
)
FRONT, INFO, SEARCH, CART, CHECKOUT, ADD, ORDER = range(7)


def _hex(prefix: str, numbers) -> list[str]:
    return [hashlib.md5(f"{prefix}{n}".encode()).hexdigest() for n in numbers]


@dataclass
class Catalogue:
    """The seeded catalogue as page tables: every path with what its view records."""

    paths: list[str]
    page_types: list[str]
    view_types: list[str]
    product_ids: list[int | None]
    category_ids: list[int | None]
    product_page: np.ndarray  # per item: its path index
    category_page: np.ndarray  # per item: its category's path index
    upper_page: np.ndarray  # per item: the category above (or its own)
    cumulative: np.ndarray  # popularity, cumulative
    neighbours: np.ndarray  # items × NEIGHBOURS
    queries: list[str]
    item_queries: np.ndarray  # items × 3 query indices
    items: list[dict]  # id, sku, title, condition, price_ore, vat_scheme
    agents: list[tuple[str, str, str]]  # device, os, browser
    agent_p: np.ndarray
    bot_agent: tuple[str, str, str]
    prefixes: list[str]

    @classmethod
    def load(cls, rng: np.random.Generator) -> Catalogue:
        categories = {
            row.id: row
            for row in db.session.execute(text("SELECT id, slug, parent_id FROM categories"))
        }
        products = db.session.execute(
            text(
                "SELECT id, sku, slug, title, brand, condition, price_ore, vat_scheme, category_id "
                "FROM products WHERE is_active = :yes ORDER BY sku"
            ),
            {"yes": True},
        ).all()
        table = list(FIXED_PAGES)
        category_index = {}
        for cid, row in categories.items():
            category_index[cid] = len(table)
            table.append((f"/kategori/{row.slug}", "category", "category_view"))
        ids: list = [None] * len(table)
        cats: list = [None] * len(FIXED_PAGES) + list(categories)
        queries, item_queries, weights, items = [], [], [], []
        for product in products:
            table.append((f"/produkt/{product.slug}", "product", "product_view"))
            ids.append(product.id)
            cats.append(product.category_id)
            leaf = categories[product.category_id]
            words = list(shape.SEARCH_WORDS.get(leaf.slug, (leaf.slug,)))[:2]
            options = [product.brand.casefold(), *words, words[0]][:3]
            for query in options:
                if query not in queries:
                    queries.append(query)
            item_queries.append([queries.index(q) for q in options])
            weights.append(rng.lognormal(0, 0.9))
            items.append(dict(product._mapping))
        first_product = len(table) - len(products)
        product_page = np.arange(first_product, len(table))
        category_page = np.array([category_index[p.category_id] for p in products])
        upper_page = np.array(
            [category_index[categories[p.category_id].parent_id or p.category_id] for p in products]
        )
        neighbours = np.empty((len(products), NEIGHBOURS), dtype=np.int64)
        weight = np.array(weights)
        for index, product in enumerate(products):
            same = np.array(
                [i for i, p in enumerate(products) if p.category_id == product.category_id]
            )
            p = weight[same] / weight[same].sum()
            neighbours[index] = rng.choice(same, NEIGHBOURS, p=p)
        share = {"computer": 0.45, "mobile": 0.47, "tablet": 0.08}  # a day's mix (traffic_shape)
        agents, agent_p = [], []
        for group, members in shape.USER_AGENTS.items():
            total = sum(w for _, w in members)
            for agent, w in members:
                device = classify(agent)
                agents.append((device.device_class, device.os, device.browser))
                agent_p.append(share[group] * w / total)
        return cls(
            paths=[p for p, _, _ in table],
            page_types=[t for _, t, _ in table],
            view_types=[v for _, _, v in table],
            product_ids=ids,
            category_ids=cats,
            product_page=product_page,
            category_page=category_page,
            upper_page=upper_page,
            cumulative=np.cumsum(weight / weight.sum()),
            neighbours=neighbours,
            queries=queries,
            item_queries=np.array(item_queries),
            items=items,
            agents=agents,
            agent_p=np.array(agent_p),
            bot_agent=("bot", "", ""),
            prefixes=address_prefixes(random.Random(1)),
        )

    def pick(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cumulative, rng.random(n)), len(self.items) - 1)
