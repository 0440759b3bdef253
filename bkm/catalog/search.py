"""Product search over title, brand and description.

Full-text first (SQLite FTS5, PostgreSQL tsvector), each term matched as a prefix after a
light Norwegian suffix strip, so "stoler" finds "stol" and "kontorst" finds "kontorstol".
When full-text finds nothing (parts of compounds: "bord" in "skrivebord"), a substring
search over the case-folded search_text column takes over. Both engines behave the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, and_, column, func, literal_column, select, table, text
from sqlalchemy.exc import OperationalError

from bkm.catalog.listing import apply_filters, visible_products
from bkm.catalog.models import Product
from bkm.extensions import db

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
SUFFIXES = ("ene", "ane", "ene", "er", "ar", "en", "et", "a", "e")

fts_table = table("products_fts", column("rowid"), column("search_text"))


@dataclass(frozen=True)
class SearchPlan:
    terms: tuple[str, ...]
    statement: Select | None
    method: str  # "fulltext", "substring" or "empty"


def query_terms(query: str) -> tuple[str, ...]:
    """Case-folded word stems of a query; æøå are letters like any other."""
    words = re.findall(r"\w+", query[:MAX_QUERY_LENGTH].casefold())
    stems = []
    for word in words[:MAX_TERMS]:
        for suffix in SUFFIXES:
            if len(word) - len(suffix) >= 4 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        if word not in stems:
            stems.append(word)
    return tuple(stems)


def _fulltext(terms: tuple[str, ...]) -> Select:
    if db.engine.dialect.name == "postgresql":
        vector = func.to_tsvector(literal_column("'simple'"), Product.search_text)
        tsquery = func.to_tsquery(literal_column("'simple'"), " & ".join(f"{t}:*" for t in terms))
        rank = func.ts_rank(vector, tsquery)
        return visible_products().where(vector.op("@@")(tsquery)).order_by(rank.desc(), Product.id)
    match = " ".join(f'"{t}"*' for t in terms)
    hits = (
        select(fts_table.c.rowid, literal_column("bm25(products_fts)").label("rank"))
        .where(text("products_fts MATCH :match").bindparams(match=match))
        .subquery()
    )
    return (
        visible_products()
        .join(hits, hits.c.rowid == Product.id)
        .order_by(hits.c.rank, Product.id)
    )


def _substring(terms: tuple[str, ...]) -> Select:
    conditions = [Product.search_text.contains(term, autoescape=True) for term in terms]
    return visible_products().where(and_(*conditions)).order_by(Product.title, Product.id)


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def plan_search(query: str, filters=None) -> SearchPlan:
    """The statement that lists the query's products, best first, and how it was found."""
    terms = query_terms(query)
    if not terms:
        return SearchPlan(terms, None, "empty")
    try:
        stmt = _fulltext(terms)
        if filters is not None:
            stmt = apply_filters(stmt, filters)
        if _count(stmt):
            return SearchPlan(terms, stmt, "fulltext")
    except OperationalError:  # an SQLite built without FTS5 keeps working on the fallback
        db.session.rollback()
    stmt = _substring(terms)
    if filters is not None:
        stmt = apply_filters(stmt, filters)
    return SearchPlan(terms, stmt, "substring")
