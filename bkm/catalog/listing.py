"""Listing rules: which products a category page shows, filtered, sorted and paginated."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from bkm.catalog.models import Category, Product
from bkm.extensions import db

MAX_PAGE = 10_000  # far beyond any real listing; keeps OFFSET arithmetic sane

SORTS: dict[str, tuple[str, tuple]] = {
    "nyeste": ("Nyeste først", (Product.created_at.desc(), Product.id.desc())),
    "pris-stigende": ("Lavest pris", (Product.price_ore.asc(), Product.id.asc())),
    "pris-synkende": ("Høyest pris", (Product.price_ore.desc(), Product.id.desc())),
    "navn": ("Navn A–Å", (Product.title.asc(), Product.id.asc())),
}
DEFAULT_SORT = "nyeste"


@dataclass(frozen=True)
class ListingFilters:
    min_price_ore: int | None = None
    max_price_ore: int | None = None
    conditions: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    in_stock_only: bool = False
    sort: str = DEFAULT_SORT
    active: list[str] = field(default_factory=list, compare=False)


def parse_page(raw: str | None) -> int:
    """Page numbers are 1..MAX_PAGE; anything else is a page that does not exist."""
    if raw is None or raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        raise NotFound()
    return int(raw)


def category_and_descendant_ids(category: Category) -> list[int]:
    rows = db.session.execute(select(Category.id, Category.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for cid, parent_id in rows:
        children.setdefault(parent_id, []).append(cid)
    ids, stack = [], [category.id]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(children.get(current, []))
    return ids


def visible_products() -> Select:
    return select(Product).where(Product.is_active.is_(True))


def apply_filters(stmt: Select, filters: ListingFilters) -> Select:
    if filters.min_price_ore is not None:
        stmt = stmt.where(Product.price_ore >= filters.min_price_ore)
    if filters.max_price_ore is not None:
        stmt = stmt.where(Product.price_ore <= filters.max_price_ore)
    if filters.conditions:
        stmt = stmt.where(Product.condition.in_(filters.conditions))
    if filters.brands:
        stmt = stmt.where(Product.brand.in_(filters.brands))
    if filters.in_stock_only:
        stmt = stmt.where(Product.stock_quantity > 0)
    return stmt


def apply_sort(stmt: Select, sort: str) -> Select:
    # Sold items stay findable but sink below what can still be bought.
    sold_last = case((Product.stock_quantity > 0, 0), else_=1)
    return stmt.order_by(sold_last, *SORTS.get(sort, SORTS[DEFAULT_SORT])[1])


def category_listing(category_ids: list[int], filters: ListingFilters) -> Select:
    """Visible products of these categories (a subtree), filtered and sorted."""
    stmt = visible_products().where(Product.category_id.in_(category_ids))
    return apply_sort(apply_filters(stmt, filters), filters.sort)


def brand_counts(category_ids: list[int]) -> list[tuple[str, int]]:
    """Brands in a category subtree with how many visible products each has."""
    stmt = (
        select(Product.brand, func.count())
        .where(Product.is_active.is_(True))
        .where(Product.category_id.in_(category_ids))
        .group_by(Product.brand)
        .order_by(Product.brand)
    )
    return [(brand, count) for brand, count in db.session.execute(stmt)]


def new_arrivals(limit: int) -> list[Product]:
    stmt = (
        visible_products()
        .where(Product.stock_quantity > 0)
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
        .options(selectinload(Product.images))
    )
    return list(db.session.scalars(stmt))


def paginate(stmt: Select, page: int, per_page: int):
    """Flask-SQLAlchemy pagination; a page past the last one is a 404 (page 1 may be empty)."""
    return db.paginate(stmt, page=page, per_page=per_page, error_out=True, count=True)
