"""Reading the cart's small forms: two fields, checked strictly, with Norwegian messages.

The fields come from a select or a hidden input, so anything else is tampering or a broken
page; it changes nothing and gets a message the visitor understands.
"""

from __future__ import annotations

from bkm.cart.stock import CartError, InvalidQuantity, check_quantity

PRODUCT_ID_DIGITS = 12  # far beyond any id; keeps huge numbers out of the database


class UnknownProduct(CartError):
    message = "Vi fant ikke varen. Den kan være solgt eller fjernet fra nettbutikken."


def _digits(raw: str | None, max_length: int) -> int | None:
    text = (raw or "").strip()
    if not text or len(text) > max_length or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def parse_product_id(raw: str | None) -> int:
    product_id = _digits(raw, PRODUCT_ID_DIGITS)
    if not product_id:
        raise UnknownProduct()
    return product_id


def parse_quantity(raw: str | None) -> int:
    quantity = _digits(raw, 6)
    if quantity is None:
        raise InvalidQuantity()
    return check_quantity(quantity)
