"""KID (kundeidentifikasjon) numbers for invoice payments: MOD10 to make, MOD10 or MOD11 to check.

A KID is 2–25 digits, the last one a check digit. We issue MOD10 (Luhn) KIDs built from the
customer and invoice numbers, zero-padded to fixed widths, because the bank agreement names one
KID length. We accept MOD11 KIDs too, since a bank may hand us either kind.
"""

from __future__ import annotations

KID_MIN_LENGTH = 2
KID_MAX_LENGTH = 25
INVOICE_DIGITS = 7
CUSTOMER_DIGITS = 6


def _digits(text: str) -> list[int]:
    if not text or not text.isascii() or not text.isdigit():
        raise ValueError(f"not a digit string: {text!r}")
    return [int(c) for c in text]


def mod10_check_digit(base: str) -> str:
    """Luhn: from the right, double every other digit (the rightmost first), sum the digits."""
    total = 0
    for position, digit in enumerate(reversed(_digits(base))):
        product = digit * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def mod11_check_digit(base: str) -> str:
    """Weights 2, 3, 4, 5, 6, 7, 2, 3, … from the right; remainder 1 gives "-" (no valid KID)."""
    total = sum(
        digit * (2 + position % 6) for position, digit in enumerate(reversed(_digits(base)))
    )
    remainder = total % 11
    if remainder == 0:
        return "0"
    if remainder == 1:
        return "-"
    return str(11 - remainder)


def _well_formed(kid: str) -> bool:
    return (
        isinstance(kid, str)
        and KID_MIN_LENGTH <= len(kid) <= KID_MAX_LENGTH
        and kid.isascii()
        and kid.isdigit()
    )


def is_valid_mod10(kid: str) -> bool:
    return _well_formed(kid) and mod10_check_digit(kid[:-1]) == kid[-1]


def is_valid_mod11(kid: str) -> bool:
    return _well_formed(kid) and mod11_check_digit(kid[:-1]) == kid[-1]


def is_valid_kid(kid: str) -> bool:
    """A KID that either check-digit method accepts."""
    return is_valid_mod10(kid) or is_valid_mod11(kid)


def _padded(number: int | str, width: int, what: str) -> str:
    text = str(number)
    _digits(text)
    if len(text) > width:
        raise ValueError(f"{what} {text} has more than {width} digits")
    return text.zfill(width)


def make_kid(invoice_number: int | str, customer_number: int | str | None = None) -> str:
    """A MOD10 KID: [customer number, 6 digits] + invoice number (7 digits) + check digit.

    Pick one form (with or without the customer number) for the shop and keep it: the KID
    agreement with the bank fixes the length (14 digits with a customer number, else 8).
    """
    base = _padded(invoice_number, INVOICE_DIGITS, "invoice number")
    if customer_number is not None:
        base = _padded(customer_number, CUSTOMER_DIGITS, "customer number") + base
    return base + mod10_check_digit(base)
