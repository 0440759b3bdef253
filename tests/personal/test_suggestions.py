"""«Utvalgt for deg» and «Tilbud til deg»: which products, in which order."""

from __future__ import annotations

from bkm.catalog.pricing import set_price
from bkm.extensions import db
from bkm.orders.statuses import CANCELLED
from bkm.personal import front_page, note_product_view, offers_for, picks_for
from bkm.personal.offers import COMPLEMENTS
from tests.factories import make_order
from tests.personal.conftest import product_in


def titles(products) -> list[str]:
    return [product.title for product in products]


def reduced(product, to_ore: int):
    """A genuine reduction: the product had its old price for the 30 days before today."""
    set_price(product, to_ore)
    db.session.flush()
    return product


# ---------- picks ----------


def test_no_interest_no_picks(tree, consenting):
    product_in(tree.desks)
    assert picks_for(consenting.id) == []


def test_picks_come_from_the_strongest_interest_newest_first(tree, consenting):
    old_desk = product_in(tree.desks, title="Gammelt skrivebord", brand="EFG", days_old=20)
    new_desk = product_in(tree.desks, title="Nytt skrivebord", brand="EFG", days_old=2)
    chair = product_in(tree.chairs, title="Stol", brand="HÅG", days_old=1)
    product_in(tree.sofas, title="Sofa", brand="Savo")  # nothing they looked at
    for _ in range(3):
        note_product_view(consenting.id, old_desk)  # desks and EFG: 3 each
    note_product_view(consenting.id, chair)  # chairs and HÅG: 1 each

    assert titles(picks_for(consenting.id)) == ["Nytt skrivebord", "Gammelt skrivebord", "Stol"]
    assert titles(picks_for(consenting.id, limit=1)) == [new_desk.title]


def test_picks_leave_out_what_was_bought_sold_out_or_inactive(tree, consenting):
    bought = product_in(tree.desks, title="Kjøpt", stock_quantity=2)
    product_in(tree.desks, title="Utsolgt", stock_quantity=0)
    product_in(tree.desks, title="Skjult", is_active=False)
    product_in(tree.desks, title="Ledig")
    make_order(consenting, {bought: 1})
    note_product_view(consenting.id, bought)
    assert titles(picks_for(consenting.id)) == ["Ledig"]


def test_a_cancelled_order_is_not_a_purchase(tree, consenting):
    desk = product_in(tree.desks, title="Angret", stock_quantity=2)
    make_order(consenting, {desk: 1}).status = CANCELLED
    note_product_view(consenting.id, desk)
    assert titles(picks_for(consenting.id)) == ["Angret"]


def test_a_brand_interest_picks_across_categories(tree, consenting):
    lamp = product_in(tree.desk_lamps, title="Lampe", brand="Luxo")
    product_in(tree.sofas, title="Luxo-sofa", brand="Luxo", days_old=3)
    note_product_view(consenting.id, lamp)
    assert titles(picks_for(consenting.id)) == ["Lampe", "Luxo-sofa"]


# ---------- offers ----------


def test_the_complement_map_names_slugs_of_the_demo_catalogue():
    from bkm.demo.catalogue_data import CATEGORY_TREE

    slugs, stack = set(), list(CATEGORY_TREE)
    while stack:
        node = stack.pop()
        slugs.add(node.slug)
        stack.extend(node.children)
    named = set(COMPLEMENTS) | {slug for targets in COMPLEMENTS.values() for slug in targets}
    assert named <= slugs


def test_nothing_bought_nothing_offered(tree, consenting):
    product_in(tree.ergonomic)
    assert offers_for(consenting.id) == []


def test_a_desk_buyer_is_offered_chairs_and_lamps_not_sofas(tree, consenting):
    desk = product_in(tree.corner_desks, title="Hjørnebord")  # a child of "skrivebord"
    product_in(tree.ergonomic, title="Stol 1", days_old=1)
    product_in(tree.ergonomic, title="Stol 2", days_old=2)
    product_in(tree.desk_lamps, title="Lampe", days_old=3)
    product_in(tree.sofas, title="Sofa", days_old=0.5)
    product_in(tree.desks, title="Et skrivebord til")  # not a complement of a desk
    make_order(consenting, {desk: 1})

    # Chairs and lamps take turns, the newest of each first.
    assert titles(offers_for(consenting.id)) == ["Stol 1", "Lampe", "Stol 2"]


def test_offers_prefer_a_genuine_price_reduction(tree, consenting):
    desk = product_in(tree.desks)
    product_in(tree.ergonomic, title="Ny stol", days_old=1)
    reduced(
        product_in(tree.ergonomic, title="Nedsatt stol", price_ore=300_000, days_old=40), 200_000
    )
    product_in(tree.desk_lamps, title="Lampe", days_old=2)
    raised = product_in(tree.desk_lamps, title="Dyrere lampe", price_ore=50_000, days_old=40)
    set_price(raised, 60_000)  # a price change that is no reduction
    make_order(consenting, {desk: 1})

    assert titles(offers_for(consenting.id, limit=1)) == ["Nedsatt stol"]
    assert titles(offers_for(consenting.id)) == ["Nedsatt stol", "Ny stol", "Lampe", "Dyrere lampe"]


def test_offers_leave_out_what_was_bought_and_what_is_sold_out(tree, consenting):
    desk = product_in(tree.desks)
    chair = product_in(tree.ergonomic, title="Kjøpt stol", stock_quantity=3)
    product_in(tree.ergonomic, title="Utsolgt stol", stock_quantity=0)
    product_in(tree.ergonomic, title="Skjult stol", is_active=False)
    make_order(consenting, {desk: 1, chair: 1})
    assert titles(offers_for(consenting.id)) == []


def test_the_front_page_does_not_pick_what_it_offers(tree, consenting):
    desk = product_in(tree.desks, brand="Kinnarps")
    chair = product_in(tree.ergonomic, title="Kinnarps-stol", brand="Kinnarps")
    other_desk = product_in(tree.desks, title="Skrivebord", brand="EFG")
    make_order(consenting, {desk: 1})
    note_product_view(consenting.id, desk)

    picks, offers = front_page(consenting.id)
    assert offers == [chair] and picks == [other_desk]
