"""«Utvalgt for deg»: what is for sale from the customer's strongest interests.

The strongest TOP_INTERESTS categories and brands (decayed, bkm.personal.profile) are asked
at once; a product counts for the strongest interest it matches, and within an interest the
newest come first. Products the customer bought are left out, and so are sold-out and
inactive ones. No interest, no picks: an empty section is never shown.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import case, or_
from sqlalchemy.orm import selectinload

from bkm.catalog.models import Product
from bkm.extensions import db
from bkm.personal.bought import for_sale_to
from bkm.personal.models import BRAND, CATEGORY
from bkm.personal.offers import offers_for
from bkm.personal.profile import InterestScore, interests

TOP_INTERESTS = 4


def _matching(interest: InterestScore):
    if interest.kind == CATEGORY and interest.key.isdigit():
        return Product.category_id == int(interest.key)
    if interest.kind == BRAND:
        return Product.brand == interest.key
    return None


def picks_for(user_id: int, limit: int = 8, *, exclude: Collection[int] = ()) -> list[Product]:
    conditions = [
        condition
        for interest in interests(user_id)[:TOP_INTERESTS]
        if (condition := _matching(interest)) is not None
    ]
    if not conditions or limit < 1:
        return []
    strongest_first = case(
        *((condition, rank) for rank, condition in enumerate(conditions)), else_=len(conditions)
    )
    stmt = (
        for_sale_to(user_id)
        .where(or_(*conditions))
        .order_by(strongest_first, Product.created_at.desc(), Product.id.desc())
        .limit(limit)
        .options(selectinload(Product.images))
    )
    if exclude:
        stmt = stmt.where(Product.id.not_in(list(exclude)))
    return list(db.session.scalars(stmt))


def front_page(user_id: int) -> tuple[list[Product], list[Product]]:
    """(picks, offers) for the front page; a product offered is not picked as well."""
    offers = offers_for(user_id)
    return picks_for(user_id, exclude={product.id for product in offers}), offers
