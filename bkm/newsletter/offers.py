"""Offers from earlier purchases (R1.2): a discount on chosen products for the newsletter
subscribers who bought in given categories.

- The offer price is the product's price minus the discount, in whole kroner, rounded down
  (integer øre throughout): 10 % off kr 1 499 is kr 1 349.
- The "før"-price shown next to it is the lowest price the product had in the 30 days before
  today (prisopplysningsforskriften § 9a, as bkm.catalog.pricing), and only when it is higher.
- The offer reaches customers who bought in one of its categories (or their subcategories),
  cancelled orders aside, and who are confirmed newsletter subscribers: by a newsletter made
  for the offer, and on the front page while it is valid ("Tilbud til deg").
- The order price is NOT changed by an offer: the checkout charges the shop price. Staff
  honour an offer price by a quote (bkm/orders/quotes.py, /admin/tilbud-forespørsler), and the
  mail and the front page say "bestill via tilbud" so nobody expects it at checkout.

Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from bkm.catalog.listing import category_and_descendant_ids
from bkm.catalog.models import Category, PriceChange, Product
from bkm.catalog.pricing import REFERENCE_WINDOW
from bkm.clock import oslo_today, utcnow
from bkm.extensions import db
from bkm.newsletter.models import Newsletter, Offer, Subscription
from bkm.orders.statuses import CANCELLED


@dataclass(frozen=True)
class OfferLine:
    product: Product
    price_ore: int  # the shop price today
    offer_ore: int  # the offer price: whole kroner, rounded down
    before_ore: int | None  # the lowest price of the last 30 days, when above the offer price


def offer_price_ore(price_ore: int, discount_percent: int) -> int:
    """Price minus the discount, rounded down to whole kroner, in øre."""
    if not 1 <= discount_percent <= 90:
        raise ValueError("discount must be 1–90 %")
    discounted = price_ore * (100 - discount_percent) // 100
    return discounted // 100 * 100


def lowest_recent_ore(history: Iterable[tuple[datetime, int]], now: datetime) -> int | None:
    """The lowest price in effect at any moment of the 30 days before `now`."""
    past = sorted((at, price) for at, price in history if at <= now)
    if not past:
        return None
    start = now - REFERENCE_WINDOW
    prices = [price for at, price in past if at >= start]
    earlier = [price for at, price in past if at < start]
    if earlier:
        prices.append(earlier[-1])  # the price already in effect when the window opened
    return min(prices)


def offer_lines(offer: Offer, products: list[Product] | None = None) -> list[OfferLine]:
    """The offer's products still for sale (active, in stock), with offer and "før" prices."""
    ids = [p.id for p in (offer.products if products is None else products)]
    if not ids:
        return []
    available = db.session.scalars(
        select(Product)
        .where(Product.id.in_(ids), Product.is_active.is_(True), Product.stock_quantity > 0)
        .order_by(Product.id)
        .options(selectinload(Product.images))
    ).all()
    histories: dict[int, list[tuple[datetime, int]]] = {p.id: [] for p in available}
    for product_id, at, price in db.session.execute(
        select(PriceChange.product_id, PriceChange.effective_at, PriceChange.price_ore).where(
            PriceChange.product_id.in_(list(histories))
        )
    ):
        histories[product_id].append((at, price))
    now = utcnow()
    lines = []
    for product in available:
        offer_ore = offer_price_ore(product.price_ore, offer.discount_percent)
        before = lowest_recent_ore(histories[product.id], now) or product.price_ore
        lines.append(
            OfferLine(product, product.price_ore, offer_ore, before if before > offer_ore else None)
        )
    return lines


def is_valid_on(offer: Offer, day: date) -> bool:
    return offer.valid_from <= day <= offer.valid_until


def expand_categories(category_ids: Iterable[int]) -> list[int]:
    """The categories and all their subcategories."""
    found: list[int] = []
    for category_id in category_ids:
        category = db.session.get(Category, category_id)
        if category is not None:
            found.extend(c for c in category_and_descendant_ids(category) if c not in found)
    return found


def buyers_in_categories(category_ids: Iterable[int]) -> Select:
    """A select of the ids of customers with a not-cancelled order of a product in these
    categories (or their subcategories). No categories: nobody."""
    from bkm.orders.models import Order, OrderLine

    expanded = expand_categories(category_ids)
    return (
        select(Order.customer_id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, OrderLine.product_id == Product.id)
        .where(Order.status != CANCELLED, Product.category_id.in_(expanded))
        .distinct()
    )


def targeted_offers(user_id: int, today: date | None = None) -> list[tuple[Offer, list[OfferLine]]]:
    """Offers valid today for this customer: a confirmed newsletter subscriber with an active
    account who bought in one of the offer's categories; only offers with something for sale."""
    from bkm.accounts.models import User
    from bkm.orders.models import Order

    today = today or oslo_today()
    subscribed = db.session.scalar(
        select(Subscription.id)
        .join(User, User.id == Subscription.user_id)
        .where(
            Subscription.user_id == user_id,
            Subscription.status == "confirmed",
            User.is_active_account.is_(True),
        )
    )
    if subscribed is None:
        return []
    offers = db.session.scalars(
        select(Offer)
        .where(Offer.valid_from <= today, Offer.valid_until >= today)
        .order_by(Offer.valid_until, Offer.id)
        .options(selectinload(Offer.bought_categories), selectinload(Offer.products))
    ).all()
    found = []
    for offer in offers:
        categories = [c.id for c in offer.bought_categories]
        bought = db.session.scalar(
            buyers_in_categories(categories).where(Order.customer_id == user_id).limit(1)
        )
        if bought is None:
            continue
        lines = offer_lines(offer)
        if lines:
            found.append((offer, lines))
    return found


def newsletter_for_offer(offer: Offer, created_by_id: int | None) -> Newsletter:
    """A draft newsletter for the offer: its products, and only its buyers as recipients."""
    newsletter = Newsletter(
        subject=offer.title,
        intro=offer.description,
        offer_id=offer.id,
        status="draft",
        created_by_id=created_by_id,
    )
    db.session.add(newsletter)
    db.session.flush()
    return newsletter
