"""Composing the demo listings from the catalogue tables.

A fixed-seed random walk, independent of the database and the clock, so every run composes the
same products with the same SKUs, texts and prices. Times are kept as "days ago" and turned into
timestamps only when a product is stored.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace

from bkm.demo.catalogue_data import COLOURS, RANGES, Range
from bkm.demo.catalogue_models import Model
from bkm.demo.drawings import render
from bkm.demo.phrases import BATCH, CHECKS, CLOSINGS, DETAILS, ORIGINS, WEAR

SEED = 20261124
FIRST_SKU = 10100
CATALOGUE_DAYS = 120
CONDITION_WEIGHTS = {"A": 20, "B": 60, "C": 20}
# Where in its model's price range an item lands, by condition grade.
PRICE_BANDS = {"A": (0.7, 1.0), "B": (0.35, 0.75), "C": (0.0, 0.4)}
SOLD_OUT_SHARE = 0.06
INACTIVE_SHARE = 0.02
CLOSE_UP_SHARE = 0.45
# Of the items old enough for it, the share reduced: about one item in ten overall.
REDUCED_SHARE = 0.18
MIN_DAYS_BEFORE_REDUCTION = 32  # the old price must have stood for the whole 30-day window


@dataclass(frozen=True)
class PriceStep:
    days_ago: int
    minute: int  # minute of the UTC day, within Oslo shop hours
    price_ore: int


@dataclass(frozen=True)
class ImageSpec:
    filename: str  # relative to MEDIA_DIR
    alt_text: str
    position: int
    kind: str
    colour_hex: str
    close_up: bool

    def svg(self) -> str:
        return render(self.kind, self.colour_hex, close_up=self.close_up)


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    slug: str
    title: str
    subject: str  # the title without size and colour, for the pictures' alt texts
    kind: str
    description: str
    brand: str
    category: str
    condition: str
    colour: str
    colour_hex: str
    width_cm: int
    depth_cm: int
    height_cm: int
    stock_quantity: int
    is_active: bool
    prices: tuple[PriceStep, ...]  # oldest first; the last is the current price
    images: tuple[ImageSpec, ...] = ()

    @property
    def price_ore(self) -> int:
        return self.prices[-1].price_ore


_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def slugify(text: str) -> str:
    text = text.casefold().translate(_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def product_specs() -> list[ProductSpec]:
    rng = random.Random(SEED)
    drafts = [
        _draft(rng, catalogue_range)
        for catalogue_range in RANGES
        for _ in range(catalogue_range.count)
    ]
    # Older arrivals have lower SKUs, as in a real stock list.
    drafts.sort(key=lambda spec: (-spec.prices[0].days_ago, spec.prices[0].minute))
    specs, number = [], FIRST_SKU
    for draft in drafts:
        number += rng.randint(1, 4)
        specs.append(_with_sku(rng, draft, number))
    return specs


def _draft(rng: random.Random, r: Range) -> ProductSpec:
    model = rng.choice(r.models)
    kind = model.kind or r.kind
    condition = rng.choices(list(CONDITION_WEIGHTS), weights=list(CONDITION_WEIGHTS.values()))[0]
    colour = rng.choice(r.colours)
    width, depth, height = rng.choice(r.widths), rng.choice(r.depths), rng.choice(r.heights)
    depth = depth or width
    low_cm, high_cm = rng.randint(62, 68), rng.randint(118, 128)
    if r.group == "sitstand":
        height = low_cm
    subject = " ".join(part for part in (model.brand, model.name, model.noun) if part)
    stock = _stock(rng, r)
    is_active = rng.random() >= INACTIVE_SHARE
    price = _asking_price_kr(rng, model, condition, _size_factor(r, width)) * 100
    days_ago, minute = rng.randint(0, CATALOGUE_DAYS), _shop_minute(rng)
    prices = (PriceStep(days_ago, minute, price),)
    if (
        stock > 0
        and is_active
        and days_ago > MIN_DAYS_BEFORE_REDUCTION
        and rng.random() < REDUCED_SHARE
    ):
        reduced_days_ago = rng.randint(1, min(14, days_ago - MIN_DAYS_BEFORE_REDUCTION))
        reduced = _round_kr(rng, price / 100 * rng.uniform(0.7, 0.88)) * 100
        reduced = min(reduced, price - 5_000)
        prices += (PriceStep(reduced_days_ago, _shop_minute(rng), reduced),)
    return ProductSpec(
        sku="",
        slug="",
        title=_title(r, subject, colour, width, depth, height),
        subject=subject,
        kind=kind,
        description=_description(rng, r, model, kind, condition, stock, low_cm, high_cm),
        brand=model.brand,
        category=r.category,
        condition=condition,
        colour=colour,
        colour_hex=COLOURS[colour],
        width_cm=width,
        depth_cm=depth,
        height_cm=height,
        stock_quantity=stock,
        is_active=is_active,
        prices=prices,
    )


def _with_sku(rng: random.Random, draft: ProductSpec, number: int) -> ProductSpec:
    sku = f"BKM-{number}"
    shown = f"{draft.subject} ({draft.colour.lower()})"
    images = [
        ImageSpec(
            f"products/{sku}-1.svg",
            f"Tegning av {shown}, sett forfra.",
            1,
            draft.kind,
            draft.colour_hex,
            close_up=False,
        )
    ]
    if rng.random() < CLOSE_UP_SHARE:
        images.append(
            ImageSpec(
                f"products/{sku}-2.svg",
                f"Nærbilde av {DETAILS[draft.kind]} på {shown}.",
                2,
                draft.kind,
                draft.colour_hex,
                close_up=True,
            )
        )
    slug = f"{slugify(draft.title)}-{number}"
    return replace(draft, sku=sku, slug=slug, images=tuple(images))


def _title(r: Range, subject: str, colour: str, width: int, depth: int, height: int) -> str:
    size = ""
    if r.sized_title:
        if r.depths == (0,):
            size = f" Ø{width} cm"
        else:  # boards hang on the wall: width by height
            size = f" {width}x{height if r.group == 'board' else depth} cm"
    return f"{subject}{size}, {colour.lower()}"


def _description(
    rng: random.Random,
    r: Range,
    model: Model,
    kind: str,
    condition: str,
    stock: int,
    low_cm: int,
    high_cm: int,
) -> str:
    checks = CHECKS.get(kind, CHECKS[r.group])
    about = [model.blurb, rng.choice(checks).format(lo=low_cm, hi=high_cm)]
    if kind == "corner_desk":
        about.append(f"Bordet er satt opp med hjørnet til {rng.choice(('høyre', 'venstre'))}.")
    state = [rng.choice(WEAR[r.group][condition]), rng.choice(ORIGINS)]
    if stock > 1:
        state.append(rng.choice(BATCH).format(n=stock))
    state.append(rng.choice(CLOSINGS))
    return " ".join(about) + "\n\n" + " ".join(state)


def _stock(rng: random.Random, r: Range) -> int:
    if rng.random() < SOLD_OUT_SHARE:
        return 0
    if rng.random() < r.batch_share:
        return rng.randint(2, r.batch_max)
    return 1


def _size_factor(r: Range, width: int) -> float:
    """Tables sold by size: the largest of a range costs 30 % more than the smallest."""
    widths = sorted(set(r.widths))
    if not r.sized_title or len(widths) < 2:
        return 1.0
    return 0.85 + 0.3 * widths.index(width) / (len(widths) - 1)


def _asking_price_kr(rng: random.Random, model: Model, condition: str, factor: float) -> int:
    low, high = PRICE_BANDS[condition]
    kroner = model.low_kr + (model.high_kr - model.low_kr) * rng.uniform(low, high)
    return _round_kr(rng, kroner * factor)


def _round_kr(rng: random.Random, kroner: float) -> int:
    """Dealer's prices: whole hundreds or fifties, mostly ending in 90 (kr 2 490)."""
    step = 100 if kroner >= 1000 else 50
    rounded = max(step, round(kroner / step) * step)
    return rounded - 10 if rng.random() < 0.7 else rounded


def _shop_minute(rng: random.Random) -> int:
    return rng.randint(6 * 60, 14 * 60 + 59)  # 07:00–16:00 Oslo in winter
