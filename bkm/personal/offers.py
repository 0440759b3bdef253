"""«Tilbud til deg»: what goes with what the customer bought before.

COMPLEMENTS maps a category slug of the demo catalogue (bkm/demo/catalogue_data.py) to the
categories whose products go with it: a buyer of desks is offered chairs and lamps. A bought
product's own category is looked up first, then its parents, so "hjornebord" follows
"skrivebord" and "tegnestoler" follows "kontorstoler"; an offered slug brings its
subcategories. Slugs the shop does not have are skipped.

Products with a genuine price reduction (the "før"-price rule, bkm.catalog.pricing) come
first; the complementary categories take turns (chair, lamp, chair …), the newest first in
each. Only active products in stock that the customer has not bought are offered.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bkm.catalog.models import Category, Product
from bkm.catalog.pricing import price_displays
from bkm.extensions import db
from bkm.personal.bought import bought_category_ids, for_sale_to

# fmt: off
COMPLEMENTS: dict[str, tuple[str, ...]] = {
    # A desk wants a chair, a lamp and a drawer unit to go under it.
    "skrivebord": ("kontorstoler", "belysning", "skuffeseksjoner"),
    "hev-senkebord": ("kontorstoler", "belysning", "bordskjermer"),
    # A chair wants a desk to go with it, and light on that desk.
    "kontorstoler": ("hev-senkebord", "skrivebord", "skrivebordslamper"),
    "tegnestoler": ("hev-senkebord", "skrivebordslamper"),
    # A meeting room: table, chairs, a board.
    "motebord": ("konferansestoler", "whiteboards"),
    "konferansestoler": ("motebord", "whiteboards"),
    # Somewhere to wait and to rest.
    "resepsjon": ("loungestoler", "sofaer"),
    "kantine-lounge": ("gulvlamper", "loungestoler"),
    # Storage next to the desk.
    "oppbevaring": ("skrivebord", "kontorstoler"),
}
# fmt: on
CANDIDATES = 200  # the newest in the complementary categories; enough to find the reductions


def _complement_groups(bought: list[int]) -> list[list[int]]:
    """Per complementary slug, in the order the purchases ask for them: its category ids."""
    rows = db.session.execute(select(Category.id, Category.parent_id, Category.slug)).all()
    parent = {cid: parent_id for cid, parent_id, _slug in rows}
    slug_of = {cid: slug for cid, _parent, slug in rows}
    id_of = {slug: cid for cid, _parent, slug in rows}
    children: dict[int | None, list[int]] = {}
    for cid, parent_id, _slug in rows:
        children.setdefault(parent_id, []).append(cid)

    wanted: list[str] = []
    for category_id in bought:
        node, seen = category_id, set()
        while node is not None and node not in seen and slug_of.get(node) not in COMPLEMENTS:
            seen.add(node)
            node = parent.get(node)
        for slug in COMPLEMENTS.get(slug_of.get(node), ()):
            if slug not in wanted and slug in id_of:
                wanted.append(slug)

    groups, taken = [], set()
    for slug in wanted:
        members, stack = [], [id_of[slug]]
        while stack:
            current = stack.pop()
            if current not in taken:
                taken.add(current)
                members.append(current)
                stack.extend(children.get(current, []))
        if members:
            groups.append(members)
    return groups


def offers_for(user_id: int, limit: int = 4) -> list[Product]:
    groups = _complement_groups(bought_category_ids(user_id))
    if not groups or limit < 1:
        return []
    group_of = {cid: n for n, members in enumerate(groups) for cid in members}
    candidates = db.session.execute(
        for_sale_to(user_id)
        .with_only_columns(Product.id, Product.category_id, Product.price_ore)
        .where(Product.category_id.in_(group_of))
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(CANDIDATES)
    ).all()
    prices = price_displays([c.id for c in candidates], {c.id: c.price_ore for c in candidates})
    # (not reduced, turn within its group, group, id): reductions first, groups take turns.
    turns: dict[tuple[int, bool], int] = {}
    ranked = []
    for candidate in candidates:
        group = group_of[candidate.category_id]
        plain = not prices[candidate.id].is_reduced
        turn = turns[group, plain] = turns.get((group, plain), -1) + 1
        ranked.append((plain, turn, group, candidate.id))
    chosen = [product_id for *_rank, product_id in sorted(ranked)[:limit]]
    products = db.session.scalars(
        select(Product).where(Product.id.in_(chosen)).options(selectinload(Product.images))
    )
    by_id = {product.id: product for product in products}
    return [by_id[product_id] for product_id in chosen]
