"""Loading the demo data: categories, products with price history and pictures, staff accounts,
the register of processors.

Each rule adds only what is missing (categories by slug, products by SKU, accounts by e-mail,
processors by name) and leaves existing rows exactly as they are, so running the seed again
changes nothing.
The rules flush but never commit; the command that calls them commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bkm.accounts.models import User
from bkm.accounts.passwords import hash_password
from bkm.catalog.models import Category, Product, ProductImage
from bkm.catalog.pricing import set_price
from bkm.clock import utcnow
from bkm.consent.models import Processor
from bkm.demo.catalogue_data import CATEGORY_TREE, CategoryNode
from bkm.demo.listings import ImageSpec, PriceStep, ProductSpec
from bkm.extensions import db

DEMO_ACCOUNTS = (
    ("leder@bruktekontormobler.no", "Demo Leder", "manager"),
    ("lager@bruktekontormobler.no", "Demo Lager", "staff"),
)
# The shop's processors (R1.4, R4.1): name, service, personal data, where, agreement date.
DEMO_PROCESSORS = (
    (
        "Domeneshop AS",
        "Drift av nettbutikken: server, database og sikkerhetskopier",
        "Alt nettbutikken lagrer: kundekontoer, ordrer, fakturaer, saker og samtykkeloggen",
        "Norge (Oslo)",
        date(2024, 1, 15),
    ),
    (
        "Mailjet SAS",
        "Utsending av e-post fra nettbutikken: ordrebekreftelser, fakturaer og lenker til kontoen",
        "Navn, e-postadresse og innholdet i e-postene",
        "EU/EØS (Frankrike og Tyskland)",
        date(2024, 1, 22),
    ),
    (
        "SpareBank 1 Østlandet",
        "Innbetalinger på faktura med KID og avstemming av betalinger",
        "Navn, fakturanummer, KID, beløp og kontonummeret det ble betalt fra",
        "Norge",
        date(2023, 11, 1),
    ),
    (
        "Posten Bring AS",
        "Frakt og levering av varer som sendes",
        "Navn, leveringsadresse, telefonnummer og e-postadresse",
        "Norge",
        date(2024, 2, 5),
    ),
    (
        "Glåmdal Regnskapskontor AS",
        "Regnskapsføring, merverdiavgift og årsoppgjør",
        "Fakturaer og kreditnotaer med navn, adresse og organisasjonsnummer, og innbetalinger",
        "Norge (Elverum)",
        date(2023, 9, 1),
    ),
)
FLUSH_EVERY = 100  # products; keeps the unit of work small without a flush per row


@dataclass
class CategoryResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    by_slug: dict[str, Category] = field(default_factory=dict)


@dataclass
class ProductResult:
    created: int = 0
    existing: int = 0
    images_written: int = 0
    categories: set[str] = field(default_factory=set)  # slugs that received new products
    # SKUs not loaded because another product already has their slug
    slug_taken: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AccountResult:
    email: str
    role: str
    password: str | None  # set only when the account was created now


def seed_categories(tree: Iterable[CategoryNode] = CATEGORY_TREE) -> CategoryResult:
    result = CategoryResult(by_slug={c.slug: c for c in db.session.scalars(select(Category))})

    def ensure(node: CategoryNode, parent: Category | None, position: int) -> None:
        category = result.by_slug.get(node.slug)
        if category is None:
            category = Category(
                slug=node.slug,
                name=node.name,
                description=node.description,
                position=position,
                parent=parent,
            )
            db.session.add(category)
            result.by_slug[node.slug] = category
            result.created.append(node.slug)
        else:
            result.existing.append(node.slug)
        # Positions step by ten so a category can later be slotted in between.
        for index, child in enumerate(node.children, start=1):
            ensure(child, category, index * 10)

    for index, node in enumerate(tree, start=1):
        ensure(node, None, index * 10)
    db.session.flush()
    return result


def seed_products(
    specs: Iterable[ProductSpec],
    categories: dict[str, Category],
    media_dir: Path,
    now: datetime,
) -> ProductResult:
    result = ProductResult()
    known_skus = set(db.session.scalars(select(Product.sku)))
    known_slugs = set(db.session.scalars(select(Product.slug)))
    known_images = set(db.session.scalars(select(ProductImage.filename)))
    for spec in specs:
        if spec.sku in known_skus:
            result.existing += 1
            # Pictures are derived data: put back a file that went missing, never overwrite.
            for image in spec.images:
                if image.filename in known_images:
                    result.images_written += _write_picture(media_dir, image, overwrite=False)
            continue
        if spec.slug in known_slugs:
            result.slug_taken.append(spec.sku)
            continue
        db.session.add(_new_product(spec, categories[spec.category], now))
        for image in spec.images:
            result.images_written += _write_picture(media_dir, image, overwrite=True)
        known_skus.add(spec.sku)
        known_slugs.add(spec.slug)
        result.created += 1
        result.categories.add(spec.category)
        if result.created % FLUSH_EVERY == 0:
            db.session.flush()
    db.session.flush()
    return result


def seed_accounts(
    accounts: Iterable[tuple[str, str, str]] = DEMO_ACCOUNTS,
) -> list[AccountResult]:
    results = []
    for email, name, role in accounts:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            results.append(AccountResult(email, user.role, None))
            continue
        password = secrets.token_urlsafe(16)
        db.session.add(
            User(email=email, name=name, role=role, password_hash=hash_password(password))
        )
        results.append(AccountResult(email, role, password))
    db.session.flush()
    return results


def seed_processors(
    processors: Iterable[tuple[str, str, str, str, date]] = DEMO_PROCESSORS,
) -> list[str]:
    """The names of the processors added now; one with the same name is left as it is."""
    known = set(db.session.scalars(select(Processor.name)))
    added = []
    for name, service, data, location, agreement_date in processors:
        if name in known:
            continue
        db.session.add(
            Processor(
                name=name,
                service=service,
                data=data,
                location=location,
                agreement_date=agreement_date,
            )
        )
        known.add(name)
        added.append(name)
    db.session.flush()
    return added


def demo_clock() -> datetime:
    """The seed's "now", in whole minutes so one run's timestamps line up."""
    return utcnow().replace(second=0, microsecond=0)


def moment(now: datetime, step: PriceStep) -> datetime:
    day = (now - timedelta(days=step.days_ago)).replace(hour=0, minute=0, second=0, microsecond=0)
    at = day + timedelta(minutes=step.minute)
    # Today's shop hours may not have come yet: such an item arrived yesterday instead.
    return at - timedelta(days=1) if at > now else at


def _new_product(spec: ProductSpec, category: Category, now: datetime) -> Product:
    created_at = moment(now, spec.prices[0])
    product = Product(
        category=category,
        sku=spec.sku,
        slug=spec.slug,
        title=spec.title,
        description=spec.description,
        brand=spec.brand,
        condition=spec.condition,
        colour=spec.colour,
        colour_hex=spec.colour_hex,
        width_cm=spec.width_cm,
        depth_cm=spec.depth_cm,
        height_cm=spec.height_cm,
        stock_quantity=spec.stock_quantity,
        is_active=spec.is_active,
        created_at=created_at,
    )
    for step in spec.prices:
        set_price(product, step.price_ore, at=max(moment(now, step), created_at))
    product.updated_at = product.price_changes[-1].effective_at
    product.images = [
        ProductImage(filename=image.filename, alt_text=image.alt_text, position=image.position)
        for image in spec.images
    ]
    return product


def _write_picture(media_dir: Path, image: ImageSpec, *, overwrite: bool) -> int:
    """Write the picture unless an identical file is there; 1 if written, else 0."""
    path = media_dir / image.filename
    if path.exists() and not overwrite:
        return 0
    content = image.svg().encode("utf-8")
    if path.exists() and path.read_bytes() == content:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return 1
