"""`flask bkm seed`: the demo catalogue, its pictures and the staff accounts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bkm.accounts.models import User
from bkm.accounts.passwords import verify_password
from bkm.catalog.models import Category, Product
from bkm.catalog.pricing import price_display
from bkm.clock import utcnow
from bkm.consent.models import Processor
from bkm.demo.catalogue_data import RANGES
from bkm.demo.listings import product_specs, slugify
from bkm.demo.seeding import seed_categories, seed_processors

SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TOP_SLUGS = {
    "kontorstoler", "skrivebord", "hev-senkebord", "motebord", "oppbevaring", "skjermvegger",
    "belysning", "konferansestoler", "resepsjon", "kantine-lounge",
}  # fmt: skip
PASSWORD_LINE = re.compile(r"Opprettet konto (\S+) \((\w+)\) med passord: (\S+)")
SNAPSHOT_TABLES = (
    "categories", "products", "product_images", "price_changes", "users", "processors",
)  # fmt: skip


def seed(runner) -> str:
    result = runner.invoke(args=["bkm", "seed"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def media_dir(app) -> Path:
    return Path(app.config["MEDIA_DIR"])


def all_products(db) -> list[Product]:
    return list(db.session.scalars(select(Product).order_by(Product.sku)))


def snapshot(db) -> dict[str, list[tuple]]:
    tables = db.metadata.tables
    return {
        name: [tuple(row) for row in db.session.execute(select(tables[name]).order_by("id"))]
        for name in SNAPSHOT_TABLES
    }


def test_seed_loads_over_300_products_in_norwegian_category_tree(db, runner):
    output = seed(runner)

    products = all_products(db)
    top = list(db.session.scalars(select(Category).where(Category.parent_id.is_(None))))
    subcategories = db.session.scalar(select(func.count()).where(Category.parent_id.isnot(None)))
    assert len(products) >= 300
    assert {c.slug for c in top} == TOP_SLUGS
    assert subcategories >= 8
    assert "Møtebord" in {c.name for c in top}
    assert all(c.description.endswith(".") for c in top)
    assert [c.position for c in sorted(top, key=lambda c: c.position)] == sorted(
        {c.position for c in top}
    )
    norwegian = [p for p in products if re.search(r"[æøå]", p.title + p.description)]
    assert len(norwegian) > len(products) // 2
    assert f"Lastet {len(products)} varer i " in output


def test_every_product_has_a_small_4_by_3_svg_picture_on_disk(app, db, runner):
    seed(runner)

    for product in all_products(db):
        assert product.images, product.sku
        for image in product.images:
            path = media_dir(app) / image.filename
            assert image.filename.startswith(f"products/{product.sku}-")
            assert image.alt_text and image.position >= 1
            assert path.stat().st_size < 6_000, image.filename
            root = ET.parse(path).getroot()
            assert root.tag == SVG_ROOT
            _, _, width, height = (float(n) for n in root.get("viewBox").split())
            assert width * 3 == height * 4
            assert not root.findall(".//{http://www.w3.org/2000/svg}text")


def test_second_seed_changes_no_row_and_rewrites_no_picture(app, db, runner):
    seed(runner)
    before = snapshot(db)
    files = {p: p.stat().st_mtime_ns for p in media_dir(app).glob("products/*.svg")}

    output = seed(runner)

    assert snapshot(db) == before
    assert {p: p.stat().st_mtime_ns for p in media_dir(app).glob("products/*.svg")} == files
    assert "Ingen nye varer" in output
    assert "Ingen nye kategorier" in output
    assert "Ingen nye databehandlere" in output


def test_second_seed_leaves_an_edited_product_alone_and_restores_a_lost_picture(app, db, runner):
    seed(runner)
    product = all_products(db)[0]
    product.title, product.stock_quantity = "Endret av lageret", 0
    db.session.commit()
    lost = media_dir(app) / product.images[0].filename
    lost.unlink()

    output = seed(runner)

    db.session.expire_all()
    assert db.session.get(Product, product.id).title == "Endret av lageret"
    assert db.session.get(Product, product.id).stock_quantity == 0
    assert ET.parse(lost).getroot().tag == SVG_ROOT
    assert "1 manglende bildefiler er laget på nytt" in output


def test_passwords_are_printed_on_the_first_run_only(db, runner):
    first = seed(runner)
    second = seed(runner)

    printed = PASSWORD_LINE.findall(first)
    assert {(email, role) for email, role, _ in printed} == {
        ("leder@bruktekontormobler.no", "leder"),
        ("lager@bruktekontormobler.no", "ansatt"),
    }
    for email, _, password in printed:
        user = db.session.scalar(select(User).where(User.email == email))
        assert verify_password(user.password_hash, password)
        assert password not in second
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"manager", "staff"}
    assert second.count("finnes allerede; passordet er ikke endret") == 2


def test_about_one_in_ten_products_shows_a_before_price(db, runner):
    seed(runner)
    now = utcnow()

    products = all_products(db)
    reduced = [p for p in products if price_display(p).is_reduced]
    assert len(products) // 20 <= len(reduced) <= len(products) // 5
    for product in reduced:
        display = price_display(product)
        earlier, current = product.price_changes[-2], product.price_changes[-1]
        assert display.before_ore == earlier.price_ore > current.price_ore == product.price_ore
        assert earlier.effective_at <= now - timedelta(days=31)
        assert current.effective_at - earlier.effective_at > timedelta(days=30)
        assert product.is_active and product.in_stock


def test_slugs_are_unique_and_ascii(db, runner):
    seed(runner)

    product_slugs = list(db.session.scalars(select(Product.slug)))
    category_slugs = list(db.session.scalars(select(Category.slug)))
    for slugs in (product_slugs, category_slugs):
        assert len(set(slugs)) == len(slugs)
        assert all(SLUG.match(slug) for slug in slugs), [s for s in slugs if not SLUG.match(s)]
    assert slugify("Møtebord i hvit, ærlig pris på Skåne-finér") == (
        "motebord-i-hvit-aerlig-pris-pa-skane-finer"
    )


def test_new_arrivals_spread_over_the_last_120_days(db, runner):
    seed(runner)
    now = utcnow()

    created = [p.created_at for p in all_products(db)]
    assert min(created) >= now - timedelta(days=122)
    assert max(created) <= now
    assert sum(c >= now - timedelta(days=7) for c in created) >= 5


def test_listings_look_like_a_used_furniture_dealers():
    specs = product_specs()

    conditions = [s.condition for s in specs]
    assert conditions.count("B") > len(specs) / 2
    assert {"A", "C"} <= set(conditions)
    sold_out = sum(s.stock_quantity == 0 for s in specs)
    assert 0.03 * len(specs) <= sold_out <= 0.08 * len(specs)
    assert 0 < sum(not s.is_active for s in specs) <= 0.05 * len(specs)
    assert max(s.stock_quantity for s in specs) <= 12
    assert sum(s.stock_quantity > 1 for s in specs) >= 20
    chairs = {"ergonomiske-stoler", "sjefsstoler", "tegnestoler"}
    assert all(90_000 <= s.price_ore <= 650_000 for s in specs if s.category in chairs)
    assert all(150_000 <= s.price_ore <= 900_000 for s in specs if s.category == "skrivebord")
    assert all(re.fullmatch(r"BKM-\d{5}", s.sku) for s in specs)
    assert all(s.colour_hex.startswith("#") and len(s.colour_hex) == 7 for s in specs)
    assert {s.category for s in specs} == {r.category for r in RANGES}


def test_catalogue_is_the_same_every_time():
    assert product_specs() == product_specs()


def test_seed_rules_flush_but_leave_the_commit_to_the_command(db):
    result = seed_categories()
    assert len(result.created) >= 18

    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(Category)) == 0


def test_seed_refuses_a_production_shop_without_the_flag(app, db, runner, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")

    result = runner.invoke(args=["bkm", "seed"])

    assert result.exit_code != 0
    assert "--allow-production" in result.output
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_seed_if_empty_leaves_a_shop_with_products_alone(app, runner, db):
    from tests.factories import make_product

    make_product(title="Egen vare")
    db.session.commit()
    result = runner.invoke(args=["bkm", "seed", "--if-empty"])
    assert result.exit_code == 0
    assert "allerede varer" in result.output
    assert db.session.scalar(select(func.count()).select_from(Product)) == 1


def test_seed_fills_the_processors_register_once_and_leaves_edits_alone(db):
    added = seed_processors()
    db.session.commit()

    register = {p.name: p for p in db.session.scalars(select(Processor))}
    assert sorted(added) == sorted(register) and len(register) >= 5
    assert {"Domeneshop AS", "Posten Bring AS", "SpareBank 1 Østlandet"} <= set(register)
    assert all(p.ended_on is None and p.agreement_date < utcnow().date() for p in register.values())
    register["Domeneshop AS"].location = "Endret av lederen"
    db.session.commit()

    assert seed_processors() == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Processor)) == len(register)
    assert register["Domeneshop AS"].location == "Endret av lederen"
