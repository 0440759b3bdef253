"""Product search over title, brand and description.

What matches: every query term occurs in the product's case-folded search_text. Substring
matching is deliberate: Norwegian writes compounds as one word, so "bord" must find
"skrivebord" and "senkebord", which no word-based index does. Each term is first stripped of
a common Norwegian inflection ("stoler" → "stol").

In which order: full-text rank (SQLite FTS5 bm25, PostgreSQL ts_rank over the GIN-indexed
'simple' tsvector) with each term as a word prefix, so whole-word hits come before
compound-only hits. If the full-text index is unavailable, the order falls back to the title.
Both engines return the same products.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from sqlalchemy import Select, and_, column, func, literal_column, select, table, text

from bkm.catalog.listing import apply_filters, visible_products
from bkm.catalog.models import Product
from bkm.extensions import db

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
SUFFIXES = ("ene", "ane", "er", "ar", "en", "et", "a", "e")
MIN_STEM = 4

fts_table = table("products_fts", column("rowid"), column("search_text"))


@dataclass(frozen=True)
class SearchPlan:
    terms: tuple[str, ...]
    statement: Select | None  # None when the query holds no words


def query_terms(query: str) -> tuple[str, ...]:
    """Case-folded word stems of a query; æøå are letters like any other."""
    words = re.findall(r"\w+", query[:MAX_QUERY_LENGTH].casefold())
    stems: list[str] = []
    for word in words[:MAX_TERMS]:
        for suffix in SUFFIXES:
            if len(word) - len(suffix) >= MIN_STEM and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        if word not in stems:
            stems.append(word)
    return tuple(stems)


def _rank_subquery(terms: tuple[str, ...]):
    """(id, rank) of products whose words start with any term; lower rank is better."""
    if db.engine.dialect.name == "postgresql":
        vector = func.to_tsvector(literal_column("'simple'"), Product.search_text)
        tsquery = func.to_tsquery(literal_column("'simple'"), " | ".join(f"{t}:*" for t in terms))
        return (
            select(Product.id.label("id"), (-func.ts_rank(vector, tsquery)).label("rank"))
            .where(vector.op("@@")(tsquery))
            .subquery()
        )
    match = " OR ".join(f'"{t}"*' for t in terms)
    return (
        select(fts_table.c.rowid.label("id"), literal_column("bm25(products_fts)").label("rank"))
        .where(text("products_fts MATCH :match").bindparams(match=match))
        .subquery()
    )


_ENGINES_WITH_FTS: weakref.WeakSet = weakref.WeakSet()


def _has_fulltext_index() -> bool:
    """Whether the SQLite FTS5 table exists; asked once per engine once it does."""
    engine = db.engine
    if engine.dialect.name == "postgresql" or engine in _ENGINES_WITH_FTS:
        return True
    found = db.session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'products_fts'")
    ).first()
    if found is not None:
        _ENGINES_WITH_FTS.add(engine)
    return found is not None


def plan_search(query: str, filters=None) -> SearchPlan:
    """The statement listing the query's products, best first."""
    terms = query_terms(query)
    if not terms:
        return SearchPlan(terms, None)
    matches = [Product.search_text.contains(term, autoescape=True) for term in terms]
    stmt = visible_products().where(and_(*matches))
    if filters is not None:
        stmt = apply_filters(stmt, filters)
    if _has_fulltext_index():
        ranks = _rank_subquery(terms)
        stmt = stmt.outerjoin(ranks, ranks.c.id == Product.id).order_by(
            ranks.c.rank.is_(None), ranks.c.rank
        )
    return SearchPlan(terms, stmt.order_by(Product.title, Product.id))
