"""Setting prices and the "før"-price rule (prisopplysningsforskriften § 9a).

A price may be advertised as reduced only against the lowest price the product had in the
30 days before the reduction took effect. If the product was never dearer than today's price
in that window, there is no reduction to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bkm.catalog.models import PriceChange, Product
from bkm.clock import utcnow
from bkm.extensions import db

REFERENCE_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class PriceDisplay:
    price_ore: int
    before_ore: int | None  # the lowest price of the 30 days before the reduction

    @property
    def is_reduced(self) -> bool:
        return self.before_ore is not None

    @property
    def saving_ore(self) -> int:
        return (self.before_ore or self.price_ore) - self.price_ore


def set_price(product: Product, price_ore: int, *, at: datetime | None = None) -> None:
    """Change the product's price from `at` (default now) and record it. Does not commit.

    The history only grows forward: a change cannot be dated before the last one or in the
    future, so the stored price is always the one in effect now.
    """
    if price_ore < 0:
        raise ValueError("a price cannot be negative")
    now = utcnow()
    at = at or now
    if at > now:
        raise ValueError("a price change cannot be scheduled for the future")
    if product.price_changes and at < product.price_changes[-1].effective_at:
        raise ValueError("a price change cannot be dated before the last one")
    if product.price_changes and product.price_ore == price_ore:
        return
    product.price_ore = price_ore
    product.price_changes.append(PriceChange(price_ore=price_ore, effective_at=at))


def before_price_ore(history: list[tuple[datetime, int]], now: datetime) -> int | None:
    """The "før"-price for a history of (effective_at, price_ore), or None if not reduced.

    Pure function: the current price is the last change at or before `now`; the reference is
    the lowest price in effect at any moment of the 30 days before that change.
    """
    past = sorted((at, price) for at, price in history if at <= now)
    if len(past) < 2:
        return None
    current_from, current_price = past[-1]
    window_start = current_from - REFERENCE_WINDOW
    in_window = [price for at, price in past[:-1] if at >= window_start]
    # The price that was already in effect when the window opened counts too.
    earlier = [price for at, price in past[:-1] if at < window_start]
    if earlier:
        in_window.append(earlier[-1])
    if not in_window:
        return None
    lowest = min(in_window)
    return lowest if lowest > current_price else None


def price_display(product: Product, now: datetime | None = None) -> PriceDisplay:
    history = [(change.effective_at, change.price_ore) for change in product.price_changes]
    return PriceDisplay(product.price_ore, before_price_ore(history, now or utcnow()))


def price_displays(product_ids: list[int], prices: dict[int, int]) -> dict[int, PriceDisplay]:
    """PriceDisplay for many listed products with one query."""
    if not product_ids:
        return {}
    histories: dict[int, list[tuple[datetime, int]]] = {pid: [] for pid in product_ids}
    rows = db.session.execute(
        select(PriceChange.product_id, PriceChange.effective_at, PriceChange.price_ore).where(
            PriceChange.product_id.in_(product_ids)
        )
    )
    for product_id, effective_at, price in rows:
        histories[product_id].append((effective_at, price))
    now = utcnow()
    return {
        pid: PriceDisplay(prices[pid], before_price_ore(histories[pid], now)) for pid in product_ids
    }
