"""A small stand-in catalogue for `run.py --minimal-data`, while `flask bkm seed` is unwritten.

Run as `python -m bench.minimal_data` from the repository root with the BKM_* environment
of the benchmark database; it uses the test factories so the rows are valid by construction.
"""

from __future__ import annotations

from datetime import timedelta

from bkm import create_app
from bkm.clock import utcnow
from bkm.extensions import db
from tests.factories import make_category, make_product

# Enough products that the category page fills more than one page of PRODUCTS_PER_PAGE (24).
PRODUCTS_PER_LEAF = 30
BRANDS = ("Kinnarps", "Håg", "Steelcase", "EFG", "Savo")


def insert_catalogue() -> int:
    root = make_category(slug="stoler", name="Stoler")
    leaves = [
        make_category(slug="kontorstoler", name="Kontorstoler", parent=root),
        make_category(slug="konferansestoler", name="Konferansestoler", parent=root),
    ]
    now = utcnow()
    count = 0
    for leaf in leaves:
        for n in range(PRODUCTS_PER_LEAF):
            make_product(
                category=leaf,
                slug=f"{leaf.slug}-{n + 1}",
                title=f"{leaf.name[:-1]} nr. {n + 1}",
                brand=BRANDS[n % len(BRANDS)],
                condition="ABC"[n % 3],
                price_ore=100_000 + 5_000 * n,
                at=now - timedelta(days=n),
                images=3,
            )
            count += 1
    db.session.commit()
    return count


def main() -> None:
    app = create_app()
    with app.app_context():
        print(f"minimal data: inserted {insert_catalogue()} products")


if __name__ == "__main__":
    main()
