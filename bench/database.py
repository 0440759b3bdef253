"""The benchmark's database: its environment, the empty check, upgrade + seed, the pages to load.

The shop runs against a throw-away database (or a given empty one) that is migrated and
seeded here; the caller's own BKM_* settings never reach it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.base import ROOT, VENV_BIN, BenchError, tail

SECRET_KEY = "bench-secret-key-not-for-production"
SEED_TIMEOUT_S = 900  # the demo seed generates images; generous, but not unbounded


def returning_visitor_cookie(granted: tuple[str, ...] = ()) -> str:
    """The consent cookie of a visitor who answered the banner on version 1.

    By default the answer was "Avslå alle"; `granted` names the purposes given instead, e.g.
    `("statistics",)` for a visitor whose clicks the clickstream may record.
    Catalogue pages are measured as such a visitor sees them: a first visit carries the
    banner's CSRF form, which no shared cache may serve, so it always renders.
    """
    from itsdangerous import URLSafeTimedSerializer

    from bkm.consent.choice import SALT
    from bkm.consent.registry import CHOICE_COOKIE

    choice = {"i": "0" * 32, "g": sorted(granted), "v": 1}
    value = URLSafeTimedSerializer(SECRET_KEY, salt=SALT).dumps(choice)
    return f"{CHOICE_COOKIE}={value}"


def bench_environment(database_url: str, media_dir: Path, settings: list[str]) -> dict[str, str]:
    """The process environment for flask and gunicorn: ours, not the caller's BKM_* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BKM_")}
    env.update(
        BKM_DATABASE_URL=database_url,
        BKM_SECRET_KEY=SECRET_KEY,
        BKM_MEDIA_DIR=str(media_dir),
        # Order confirmations of the checkout pass: delivered as .eml files here after each
        # response (the development default), never into the repository's instance/mail.
        BKM_MAIL_DIR=str(media_dir.parent / "mail"),
        BKM_ENV_NAME="development",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for setting in settings:  # --set KEY=VALUE: compare configurations
        key, value = setting.split("=", 1)
        env[f"BKM_{key}"] = value
    return env


def redact(url: str) -> str:
    """The database URL without its password, for printing."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def require_empty_database(database_url: str) -> None:
    """A given database must be empty: the benchmark migrates and seeds it, and never wipes."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        tables = sa.inspect(engine).get_table_names()
    except sa.exc.SQLAlchemyError as error:
        raise BenchError(f"cannot connect to {redact(database_url)}: {error}") from error
    finally:
        engine.dispose()
    if tables:
        raise BenchError(
            f"{redact(database_url)} is not empty ({len(tables)} tables); give an empty "
            "database: the benchmark migrates and seeds it itself"
        )


def prepare_database(env: dict[str, str], log: Path, minimal_data: bool) -> None:
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    run_logged("schema", [*flask, "db", "upgrade"], env, log)
    if minimal_data:
        print("bench: --minimal-data: inserting a small factory catalogue instead of the seed")
        command = [str(VENV_BIN / "python"), "-m", "bench.minimal_data"]
        run_logged("minimal data", command, env, log)
        return
    try:
        run_logged("demo seed", [*flask, "bkm", "seed"], env, log, timeout=SEED_TIMEOUT_S)
    except BenchError as error:
        if "not written yet" in log.read_text():
            raise BenchError(
                "`flask bkm seed` is not written yet; run with --minimal-data to measure a "
                "small factory-made catalogue meanwhile"
            ) from error
        raise


def run_logged(
    what: str, command: list[str], env: dict[str, str], log: Path, timeout: float = 300
) -> None:
    """Run a setup step with its output in log; on failure show the end of it."""
    print(f"bench: {what}: {Path(command[0]).name} {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
            )
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"{what} took longer than {timeout:.0f} s") from error
    if done.returncode != 0:
        raise BenchError(f"{what} failed (exit {done.returncode}):\n{tail(log.read_text(), 15)}")
    print(f"bench:   done in {time.monotonic() - started:.1f} s", flush=True)


@dataclass(frozen=True)
class Catalogue:
    product_slug: str
    category_slug: str
    category_products: int
    products: int
    categories: int


def pick_pages(database_url: str) -> Catalogue:
    """A real product (first active, in stock) and the category with the most active products."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            product = connection.execute(
                sa.text(
                    "SELECT slug FROM products WHERE is_active = :yes AND stock_quantity > 0 "
                    "ORDER BY id LIMIT 1"
                ),
                {"yes": True},
            ).scalar()
            category = connection.execute(
                sa.text(
                    "SELECT c.slug, count(p.id) AS n FROM categories c "
                    "JOIN products p ON p.category_id = c.id AND p.is_active = :yes "
                    "GROUP BY c.id, c.slug ORDER BY n DESC, c.id LIMIT 1"
                ),
                {"yes": True},
            ).first()
            products = connection.execute(sa.text("SELECT count(*) FROM products")).scalar()
            categories = connection.execute(sa.text("SELECT count(*) FROM categories")).scalar()
    finally:
        engine.dispose()
    if product is None or category is None:
        raise BenchError("the seeded database has no active in-stock product or no category")
    return Catalogue(product, category[0], category[1], products, categories)


def count_sql(env: dict[str, str], paths: list[str], workdir: Path) -> dict[str, dict]:
    """SQL statements per request for each shop page, measured in-process (no load)."""
    out = workdir / "queries.json"
    command = [str(VENV_BIN / "python"), "-m", "bench.query_count", str(out), *paths]
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode != 0:
        # Only a diagnostic: the load test still runs, the SQL/req column stays empty.
        reason = "it took over 120 s" if done is None else tail(done.stderr, 5)
        print(f"bench: could not count SQL statements: {reason}")
        return {}
    return json.loads(out.read_text())
