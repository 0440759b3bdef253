"""Checkout test helpers: a valid form, a visitor with a cart, and counting what was stored."""

from __future__ import annotations

import sqlalchemy as sa

from bkm.accounts.models import User
from bkm.catalog.models import Product
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.orders.models import Order

CHECKOUT = "/kasse"

PRIVATE_GUEST = {
    "customer_type": "private",
    "name": "Kari Nordmann",
    "email": "kari.nordmann@example.no",
    "phone": "412 34 567",
    "street": "Storgata 12",
    "postcode": "2408",
    "city": "Elverum",
    "delivery_method": "pickup",
    "payment_method": "invoice",
    "accept_terms": "y",
}
BUSINESS_GUEST = {
    **PRIVATE_GUEST,
    "customer_type": "business",
    "company_name": "Hedmark Regnskap AS",
    "org_number": "974 408 597",
}


def give_cart(client, cart) -> None:
    """Let the client's session own an anonymous cart made by the factories."""
    db.session.commit()
    with client.session_transaction() as session:
        session["cart"] = cart.token


def counts() -> dict[str, int]:
    """Rows that checkout may create or change, straight from the database."""
    db.session.expire_all()

    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return {
        "orders": count(Order),
        "users": count(User),
        "mails": count(MailMessage),
        "stock": int(db.session.scalar(sa.select(sa.func.sum(Product.stock_quantity))) or 0),
    }
