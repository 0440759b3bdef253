"""Money as integer øre. Shop prices include 25 % MVA."""

from __future__ import annotations

VAT_RATE_PERCENT = 25


def vat_part_ore(gross_ore: int) -> int:
    """The MVA contained in a gross price, rounded to the nearest øre (20 % of gross at 25 %)."""
    return round(gross_ore * VAT_RATE_PERCENT / (100 + VAT_RATE_PERCENT))


def net_ore(gross_ore: int) -> int:
    return gross_ore - vat_part_ore(gross_ore)


def format_kr(ore: int, *, decimals: bool | None = None) -> str:
    """Norwegian display: `kr 1 234` (thin no-break space groups), `kr 1 234,50` when øre remain."""
    negative = ore < 0
    kroner, rest = divmod(abs(ore), 100)
    grouped = f"{kroner:,}".replace(",", "\u00a0")
    show_decimals = rest != 0 if decimals is None else decimals
    text = f"kr\u00a0{grouped},{rest:02d}" if show_decimals else f"kr\u00a0{grouped}"
    return f"−{text}" if negative else text


def parse_kr(text: str) -> int:
    """Parse a kroner amount typed by a person ("1 234", "1234,50", "1.234") into øre."""
    cleaned = text.strip().lower().removeprefix("kr").replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.removesuffix(",-").removesuffix(",–")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") == 1 and len(cleaned.split(".")[1]) != 3:
        pass  # a decimal point
    else:
        cleaned = cleaned.replace(".", "")
    if not cleaned or not cleaned.replace(".", "", 1).isdigit():
        raise ValueError(f"not an amount: {text!r}")
    kroner, _, ore = cleaned.partition(".")
    if len(ore) > 2:
        raise ValueError(f"more than two decimals: {text!r}")
    return int(kroner or 0) * 100 + int(ore.ljust(2, "0") or 0)
