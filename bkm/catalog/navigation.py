"""The category tree as the header and the front page show it."""

from __future__ import annotations

from flask import g
from sqlalchemy import func, select

from bkm.catalog.models import Category, Product
from bkm.extensions import db


def top_categories() -> list[Category]:
    """Root categories in their order, loaded once per request."""
    if "top_categories" not in g:
        stmt = select(Category).where(Category.parent_id.is_(None)).order_by(Category.position)
        g.top_categories = list(db.session.scalars(stmt))
    return g.top_categories


def product_counts_by_category() -> dict[int, int]:
    """Buyable products per category, each counted in its own category and every ancestor."""
    stmt = (
        select(Product.category_id, func.count())
        .where(Product.is_active.is_(True), Product.stock_quantity > 0)
        .group_by(Product.category_id)
    )
    direct = dict(db.session.execute(stmt).all())
    parents = dict(db.session.execute(select(Category.id, Category.parent_id)).all())
    totals: dict[int, int] = dict.fromkeys(parents, 0)
    for category_id, count in direct.items():
        node: int | None = category_id
        while node is not None:
            totals[node] += count
            node = parents.get(node)
    return totals


def breadcrumbs(category: Category) -> list[Category]:
    trail = []
    node: Category | None = category
    while node is not None:
        trail.append(node)
        node = node.parent
    return list(reversed(trail))
