"""The load test's database: a throw-away PostgreSQL database (or SQLite file), its stock, the
catalogue the visitors browse, and what was in it before the load.

The database is created as `bkm_loadtest_<random>` on the given server, migrated and seeded
by bench/database.py's steps (`flask db upgrade`, `flask bkm seed`), then stocked here:
every active product that was in stock gets STOCK units, so buyers never run out, except
SINGLE_ITEMS products that get exactly one unit, for the races. It is dropped afterwards,
also after an error or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from bench.base import BenchError
from bench.database import redact
from bench.loadtest_visitors import Catalogue

SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NAME_PREFIX = "bkm_loadtest_"
STOCK = 1_000  # per buyable product: far more than a run sells
SINGLE_ITEMS = 100  # products with exactly one unit, raced for
CONNECT_TIMEOUT_S = 5
SEARCH_TERMS = (  # what shoppers type: compounds, inflections, colours, sizes, nonsense
    "stol",
    "kontorstoler",
    "skrivebord",
    "hev-/senkebord",
    "hev senk 160",
    "møtebord",
    "reol",
    "arkivskap",
    "hvit",
    "svart stol",
    "lampe",
    "sofa",
    "skjermvegg",
    "garderobeskap",
    "ergonomisk",
    "xyzzy",
)


def postgres_url(url: str) -> str:
    """The URL with SQLAlchemy's psycopg driver, as bkm.config reads BKM_DATABASE_URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    if not url.startswith("postgresql+psycopg://"):
        raise BenchError(f"--database-url must be a PostgreSQL URL, not {redact(url)}")
    return url


@contextlib.contextmanager
def throwaway_postgres(server_url: str) -> Iterator[str]:
    """Create bkm_loadtest_<random> on the server of `server_url`, yield its URL, drop it."""
    name = f"{NAME_PREFIX}{secrets.token_hex(4)}"
    server = sa.create_engine(
        server_url,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    try:
        with server.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.SQLAlchemyError as error:
        server.dispose()
        raise BenchError(
            f"PostgreSQL at {redact(server_url)} does not answer or refuses to create a "
            f"database ({error.__class__.__name__}: {str(error).splitlines()[0]}). Start it, "
            "point --database-url at one, or run with --sqlite"
        ) from error
    url = sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    print(f"loadtest: created database {name} on {redact(server_url)}", flush=True)
    try:
        yield url
    finally:
        try:
            with server.connect() as connection:
                # FORCE: connections a killed worker left behind must not keep it alive.
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"loadtest: dropped database {name}", flush=True)
        except sa.exc.SQLAlchemyError as error:
            print(f"loadtest: could not drop database {name}: {error}; drop it by hand")
        finally:
            server.dispose()


@dataclass(frozen=True)
class Before:
    """The database just before the load: what the checks compare with."""

    stock: dict[int, int]  # product id -> units, every product
    single: tuple[int, ...]  # the single-unit products
    last_order_id: int
    last_event_id: int
    page_count_views: int  # sum of click_page_counts.views


def stock_up(database_url: str) -> Before:
    """Plenty of stock for what was in stock, one unit for SINGLE_ITEMS of them; the state."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            in_stock = list(
                connection.execute(
                    sa.text(
                        "SELECT id FROM products WHERE is_active = :yes AND stock_quantity > 0 "
                        "ORDER BY id"
                    ),
                    {"yes": True},
                ).scalars()
            )
            if len(in_stock) < 2 * SINGLE_ITEMS:
                raise BenchError(f"the seeded shop has only {len(in_stock)} products in stock")
            # Spread over the catalogue, so the races happen in many categories.
            single = in_stock[:: len(in_stock) // SINGLE_ITEMS][:SINGLE_ITEMS]
            update = sa.text(
                "UPDATE products SET stock_quantity = :stock WHERE id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True))
            plenty = sorted(set(in_stock) - set(single))
            connection.execute(update, {"stock": STOCK, "ids": plenty})
            connection.execute(update, {"stock": 1, "ids": single})
            stock = dict(
                connection.execute(sa.text("SELECT id, stock_quantity FROM products")).all()
            )
            last_order = connection.execute(sa.text("SELECT max(id) FROM orders")).scalar()
            last_event = connection.execute(sa.text("SELECT max(id) FROM click_events")).scalar()
            views = connection.execute(sa.text("SELECT sum(views) FROM click_page_counts")).scalar()
    finally:
        engine.dispose()
    return Before(stock, tuple(single), last_order or 0, last_event or 0, views or 0)


def read_catalogue(database_url: str, before: Before) -> Catalogue:
    """Categories, active products and search terms (a few brands among them) to visit."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            categories = tuple(
                connection.execute(sa.text("SELECT slug FROM categories ORDER BY id")).scalars()
            )
            products = dict(
                connection.execute(
                    sa.text("SELECT id, slug FROM products WHERE is_active = :yes ORDER BY id"),
                    {"yes": True},
                ).all()
            )
            brands = (
                connection.execute(
                    sa.text("SELECT DISTINCT brand FROM products WHERE brand <> '' ORDER BY brand")
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    if not categories or not products:
        raise BenchError("the seeded shop has no categories or no active products")
    single = set(before.single)
    stocked = tuple(n for n in products if before.stock.get(n, 0) >= STOCK and n not in single)
    return Catalogue(
        categories=categories,
        products=products,
        stocked=stocked,
        single=before.single,
        search_terms=(*SEARCH_TERMS, *brands[:6]),
    )
