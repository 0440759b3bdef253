"""What a page is about, told by the view that renders it, for the request hooks after it.

The catalogue's views say "a product page for product 12"; the cart says "an item was added".
The clickstream reads this in its after-request hook, without the views knowing it exists
(they sit below it in the import order). The page cache keeps the description with a shared
page, so a page served from the cache is described too.
"""

from __future__ import annotations

from flask import g

PAGE_KEY = "page_context"
EVENTS_KEY = "page_events"


def describe_page(
    page_type: str,
    *,
    product_id: int | None = None,
    category_id: int | None = None,
    search_query: str | None = None,
) -> None:
    g.page_context = {
        "page_type": page_type,
        "product_id": product_id,
        "category_id": category_id,
        "search_query": (search_query or "")[:100],
    }


def page_description() -> dict | None:
    return g.get(PAGE_KEY)


def restore_description(description: dict | None) -> None:
    if description is not None:
        g.page_context = description


def note_event(event_type: str, **fields) -> None:
    """Something the visitor did in this request: "add_to_cart", "checkout_step", "purchase"."""
    g.setdefault(EVENTS_KEY, []).append((event_type, fields))


def noted_events() -> list[tuple[str, dict]]:
    return g.get(EVENTS_KEY, [])
