from datetime import timedelta

import pytest
from werkzeug.exceptions import NotFound

from bkm.catalog.listing import (
    ListingFilters,
    brand_counts,
    category_and_descendant_ids,
    category_listing,
    new_arrivals,
    paginate,
    parse_page,
)
from bkm.clock import utcnow
from tests.factories import make_category, make_product


def subtree(category) -> list[int]:
    return category_and_descendant_ids(category)


def titles(db, stmt) -> list[str]:
    return [p.title for p in db.session.scalars(stmt)]


@pytest.fixture
def chairs(db):
    category = make_category(slug="kontorstoler", name="Kontorstoler")
    now = utcnow()
    make_product(
        category=category,
        title="HÅG Capisco",
        brand="HÅG",
        condition="A",
        price_ore=450_000,
        at=now - timedelta(days=3),
    )
    make_product(
        category=category,
        title="Kinnarps 8000",
        brand="Kinnarps",
        condition="B",
        price_ore=150_000,
        at=now - timedelta(days=2),
    )
    make_product(
        category=category,
        title="Savo S5",
        brand="Savo",
        condition="C",
        price_ore=90_000,
        at=now - timedelta(days=1),
        stock_quantity=0,
    )
    make_product(category=category, title="Skjult stol", brand="Savo", is_active=False)
    db.session.commit()
    return category


def test_listing_shows_active_products_newest_first_sold_last(db, chairs):
    assert titles(db, category_listing(subtree(chairs), ListingFilters())) == [
        "Kinnarps 8000",
        "HÅG Capisco",
        "Savo S5",
    ]


def test_listing_includes_subcategories(db, chairs):
    sub = make_category(slug="sjefsstoler", name="Sjefsstoler", parent=chairs)
    make_product(category=sub, title="Vitra ID Chair")
    db.session.commit()
    assert "Vitra ID Chair" in titles(db, category_listing(subtree(chairs), ListingFilters()))
    assert titles(db, category_listing(subtree(sub), ListingFilters())) == ["Vitra ID Chair"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ListingFilters(min_price_ore=100_000), {"HÅG Capisco", "Kinnarps 8000"}),
        (ListingFilters(max_price_ore=150_000), {"Kinnarps 8000", "Savo S5"}),
        (ListingFilters(min_price_ore=100_000, max_price_ore=200_000), {"Kinnarps 8000"}),
        (ListingFilters(conditions=("A", "C")), {"HÅG Capisco", "Savo S5"}),
        (ListingFilters(brands=("Savo",)), {"Savo S5"}),
        (ListingFilters(brands=("HÅG", "Kinnarps")), {"HÅG Capisco", "Kinnarps 8000"}),
        (ListingFilters(in_stock_only=True), {"HÅG Capisco", "Kinnarps 8000"}),
        (ListingFilters(brands=("Ukjent",)), set()),
    ],
)
def test_each_filter_narrows_the_listing(db, chairs, filters, expected):
    assert set(titles(db, category_listing(subtree(chairs), filters))) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("pris-stigende", ["Kinnarps 8000", "HÅG Capisco", "Savo S5"]),
        ("pris-synkende", ["HÅG Capisco", "Kinnarps 8000", "Savo S5"]),
        ("navn", ["HÅG Capisco", "Kinnarps 8000", "Savo S5"]),
        ("nyeste", ["Kinnarps 8000", "HÅG Capisco", "Savo S5"]),
        ("ukjent", ["Kinnarps 8000", "HÅG Capisco", "Savo S5"]),
    ],
)
def test_sorting_keeps_sold_items_last(db, chairs, sort, expected):
    assert titles(db, category_listing(subtree(chairs), ListingFilters(sort=sort))) == expected


def test_brand_counts_count_visible_products(db, chairs):
    assert brand_counts(subtree(chairs)) == [("HÅG", 1), ("Kinnarps", 1), ("Savo", 1)]


def test_new_arrivals_leave_out_sold_and_inactive(db, chairs):
    assert [p.title for p in new_arrivals(10)] == ["Kinnarps 8000", "HÅG Capisco"]


@pytest.mark.parametrize(
    ("raw", "page"), [(None, 1), ("", 1), ("1", 1), ("3", 3), ("10000", 10000)]
)
def test_parse_page_accepts_page_numbers(raw, page):
    assert parse_page(raw) == page


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", " 2", str(10**9), str(10**30), "٣"])
def test_parse_page_rejects_what_is_not_a_page(raw):
    with pytest.raises(NotFound):
        parse_page(raw)


def test_paginate_past_the_last_page_is_not_found(db, chairs):
    stmt = category_listing(subtree(chairs), ListingFilters())
    assert [p.title for p in paginate(stmt, 2, 2).items] == ["Savo S5"]
    with pytest.raises(NotFound):
        paginate(stmt, 3, 2)


def test_paginate_first_page_of_empty_listing_is_empty_not_missing(db):
    empty = make_category()
    db.session.commit()
    page = paginate(category_listing(subtree(empty), ListingFilters()), 1, 24)
    assert (page.items, page.total) == ([], 0)


def test_front_page_counts_include_subcategories(db, chairs):
    from bkm.catalog.navigation import product_counts_by_category

    sub = make_category(slug="tegnestoler", parent=chairs)
    make_product(category=sub)
    make_product(category=sub, stock_quantity=0)
    db.session.commit()
    counts = product_counts_by_category()
    assert (counts[chairs.id], counts[sub.id]) == (3, 1)
