"""Plain functions that make valid rows; override what a test cares about. They flush only."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from bkm.accounts.models import User
from bkm.accounts.passwords import hash_password
from bkm.cart.models import Cart, CartLine, StockHold
from bkm.catalog.models import Category, Product, ProductImage
from bkm.catalog.pricing import set_price
from bkm.clock import utcnow
from bkm.consent.models import ConsentRecord
from bkm.consent.policy import current_version
from bkm.extensions import db

_sequence = itertools.count(1)

DEFAULT_PASSWORD = "riktig-hest-batteri-stift"


def make_category(**overrides) -> Category:
    n = next(_sequence)
    fields = {"slug": f"kategori-{n}", "name": f"Kategori {n}", "description": "", "position": n}
    fields.update(overrides)
    category = Category(**fields)
    db.session.add(category)
    db.session.flush()
    return category


def make_product(
    *, price_ore: int = 150_000, at: datetime | None = None, images: int = 1, **overrides
) -> Product:
    n = next(_sequence)
    category = overrides.pop("category", None) or make_category()
    fields = {
        "sku": f"TEST-{n:05d}",
        "slug": f"testprodukt-{n}",
        "title": f"Testprodukt {n}",
        "description": "Brukt kontormøbel i god stand.",
        "brand": "Kinnarps",
        "condition": "B",
        "colour": "Svart",
        "stock_quantity": 1,
        "category": category,
        "created_at": at or utcnow(),
    }
    fields.update(overrides)
    product = Product(**fields)
    set_price(product, price_ore, at=fields["created_at"])
    for position in range(images):
        product.images.append(
            ProductImage(
                filename=f"test/{n}-{position}.svg", alt_text=fields["title"], position=position
            )
        )
    db.session.add(product)
    db.session.flush()
    return product


def make_user(
    *,
    role: str = "customer",
    password: str = DEFAULT_PASSWORD,
    answered_terms: bool = True,
    **overrides,
) -> User:
    """A user; a customer has answered the privacy statement in force (no to everything),
    as registering does, unless `answered_terms=False` (then the login gate asks, R8.1)."""
    n = next(_sequence)
    fields = {"email": f"person{n}@example.no", "name": f"Person {n}", "role": role}
    fields.update(overrides)
    user = User(password_hash=hash_password(password), **fields)
    db.session.add(user)
    db.session.flush()
    if role == "customer" and answered_terms:
        make_consent_record(user=user)
    return user


def make_consent_record(
    *, user: User | None = None, granted: tuple[str, ...] = (), **overrides
) -> ConsentRecord:
    """A ledger row on the version in force, as a choice on the registration form makes."""
    policy = current_version()
    offered = ("personalisation", "statistics")
    fields = {
        "consent_id": f"{next(_sequence):032x}",
        "action": "accept" if set(granted) == set(offered) else ("custom" if granted else "reject"),
        "granted": ",".join(sorted(granted)),
        "refused": ",".join(sorted(set(offered) - set(granted))),
        "policy_version": policy.version,
        "text_digest": "0" * 64,
        "channel": "registration",
        "user_id": user.id if user else None,
    }
    fields.update(overrides)
    record = ConsentRecord(**fields)
    db.session.add(record)
    db.session.flush()
    return record


def make_cart(*, user: User | None = None, lines: dict | None = None, **overrides) -> Cart:
    """A cart with {product: quantity} lines: the user's, or an anonymous one with a token."""
    n = next(_sequence)
    fields = {"user_id": user.id if user else None, "token": None if user else f"test-token-{n}"}
    fields.update(overrides)
    cart = Cart(**fields)
    for product, quantity in (lines or {}).items():
        cart.lines.append(CartLine(product=product, quantity=quantity))
    db.session.add(cart)
    db.session.flush()
    return cart


def make_hold(cart: Cart, product: Product, quantity: int = 1, *, minutes: float = 15) -> StockHold:
    """Units held for a cart in checkout; negative minutes make a hold that has expired."""
    hold = StockHold(
        cart=cart,
        product=product,
        quantity=quantity,
        expires_at=utcnow() + timedelta(minutes=minutes),
    )
    db.session.add(hold)
    db.session.flush()
    return hold


CUSTOMER_NAMES = (
    "Kari Nordmann",
    "Ola Haugen",
    "Ingrid Bakken",
    "Øystein Løken",
    "Siri Åsheim",
    "Håkon Moen",
    "Marit Strand",
    "Per Olsen",
)
STREETS = (
    ("Storgata 12", "2408", "Elverum"),
    ("Kirkegata 5B", "2317", "Hamar"),
    ("Torggata 3", "0181", "Oslo"),
    ("Jernbanegata 22", "2609", "Lillehammer"),
    ("Bryggen 7", "5003", "Bergen"),
)
COMPANIES = ("Hedmark Regnskap AS", "Glåmdal Eiendom AS", "Rena Rørleggerservice AS")


def org_number_for(n: int) -> str:
    """A nine-digit organisation number with a valid mod-11 check digit, different for each n."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    base = 91_000_000 + n * 7
    while True:
        digits = f"{base:08d}"
        remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 1:
            return digits + str(0 if remainder == 0 else 11 - remainder)
        base += 1


def make_customer(
    *,
    customer_type: str = "private",
    password: str | None = DEFAULT_PASSWORD,
    answered_terms: bool = True,
    **overrides,
) -> User:
    """A customer with realistic Norwegian details; `password=None` for one who has none
    (a guest from checkout, or registered by staff and not yet set up). Like make_user, one
    with a password has answered the privacy statement in force unless told otherwise."""
    n = next(_sequence)
    street, postcode, city = STREETS[n % len(STREETS)]
    fields = {
        "email": f"kunde{n}@example.no",
        "name": CUSTOMER_NAMES[n % len(CUSTOMER_NAMES)],
        "role": "customer",
        "phone": f"+474{n % 10_000_000:07d}",
        "street": street,
        "postcode": postcode,
        "city": city,
        "customer_type": customer_type,
        "registration_channel": "web",
    }
    if customer_type == "business":
        fields["company_name"] = COMPANIES[n % len(COMPANIES)]
        fields["org_number"] = org_number_for(n)
    fields.update(overrides)
    user = User(password_hash=hash_password(password) if password else None, **fields)
    db.session.add(user)
    db.session.flush()
    if password and answered_terms:
        make_consent_record(user=user)
    return user


def checkout_details(customer: User | None = None, **overrides):
    """CheckoutDetails for place_order: the customer's own details, pickup, invoice."""
    from bkm.orders.placing import CheckoutDetails

    fields = {
        "customer_type": (customer.customer_type if customer else None) or "private",
        "name": customer.name if customer else "Kari Nordmann",
        "email": customer.email if customer else "kari@example.no",
        "phone": (customer.phone if customer else None) or "+4741234567",
        "street": (customer.street if customer else None) or "Storgata 12",
        "postcode": (customer.postcode if customer else None) or "2408",
        "city": (customer.city if customer else None) or "Elverum",
        "company_name": customer.company_name if customer else None,
        "org_number": customer.org_number if customer else None,
        "delivery_method": "pickup",
        "payment_method": "invoice",
    }
    fields.update(overrides)
    return CheckoutDetails(**fields)


def make_order(customer: User | None = None, lines: dict | None = None, **overrides):
    """An order placed through place_order (stock is decremented); {product: quantity} lines."""
    from bkm.orders.placing import place_order

    customer = customer or make_customer()
    lines = lines or {make_product(): 1}
    return place_order(
        customer,
        [(product.id, quantity) for product, quantity in lines.items()],
        checkout_details(customer, **overrides),
    )


def ship_order(order, quantities: dict | None = None, **kwargs):
    """Record a shipment of {order line: units} (default: everything) through record_shipment."""
    from bkm.orders.shipments import record_shipment

    lines = quantities or {line: line.quantity for line in order.lines}
    return record_shipment(order, {line.id: q for line, q in lines.items()}, **kwargs)


def audit_rows() -> list:
    """Every audit log row, oldest first, read fresh from the database."""
    from sqlalchemy import select

    from bkm.audit.models import AuditEntry

    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def ship_all(order, *, method: str | None = None, at: datetime | None = None):
    """Record one shipment of everything left on the order (a pickup for pickup orders)."""
    from bkm.orders.shipments import record_shipment, shipped_quantities

    done = shipped_quantities(order)
    left = {line.id: line.quantity - done[line.id] for line in order.lines}
    return record_shipment(
        order, {k: v for k, v in left.items() if v > 0}, method=method, at=at or utcnow()
    )


def make_shipped_order(customer: User | None = None, lines: dict | None = None, **overrides):
    """An order placed through place_order and handed over in full in one shipment."""
    order = make_order(customer, lines, **overrides)
    ship_all(order)
    db.session.flush()
    return order


def make_delivered_order(
    customer: User | None = None,
    lines: dict | None = None,
    *,
    days_ago: int = 0,
    **overrides,
):
    """A delivery order shipped in full and marked delivered `days_ago` days ago (Oslo)."""
    from bkm.clock import oslo_today
    from bkm.orders.delivery import mark_delivered

    overrides.setdefault("delivery_method", "delivery")
    order = make_order(customer, lines, **overrides)
    order.status = "confirmed"
    ship_all(order, at=utcnow() - timedelta(days=days_ago + 1))
    mark_delivered(order, oslo_today() - timedelta(days=days_ago))
    db.session.flush()
    return order


def make_case(customer: User, *, kind: str = "question", order=None, **overrides):
    """A case opened through open_case (its receipt mail is queued too)."""
    from bkm.cases.handling import open_case

    fields = {"subject": "Spørsmål om levering", "body": "Når kommer stolen min?"}
    fields.update(overrides)
    return open_case(customer, kind=kind, order_id=order.id if order else None, **fields)


def make_quote(customer: User | None = None, lines: dict | None = None, *, message: str = ""):
    """A requested quote through request_quote; {product: quantity} lines."""
    from bkm.orders.quotes import request_quote

    customer = customer or make_customer()
    lines = lines or {make_product(): 1}
    return request_quote(customer, [(p.id, q) for p, q in lines.items()], message)


def make_issued_quote(
    customer: User | None = None,
    lines: dict | None = None,
    *,
    prices: dict | None = None,
    valid_until=None,
    issued_by: User | None = None,
):
    """A quote issued through issue_quote; `prices` {product: øre}, default 10 % off."""
    from bkm.orders.quotes import default_valid_until, issue_quote

    quote = make_quote(customer, lines)
    chosen = {p.id: ore for p, ore in (prices or {}).items()}
    line_prices = {
        line.id: chosen.get(line.product_id, line.list_price_ore * 9 // 10) for line in quote.lines
    }
    issue_quote(
        quote,
        line_prices,
        valid_until or default_valid_until(),
        issued_by=issued_by or make_user(role="staff"),
        quote_url="http://localhost/konto/tilbud/" + quote.number,
    )
    return quote
