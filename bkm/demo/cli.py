"""`flask bkm seed`: the demo catalogue, its pictures, two staff accounts and the processors."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from bkm.catalog.models import Product
from bkm.config import is_production
from bkm.demo.listings import product_specs
from bkm.demo.seeding import (
    AccountResult,
    CategoryResult,
    ProductResult,
    demo_clock,
    seed_accounts,
    seed_categories,
    seed_processors,
    seed_products,
)
from bkm.extensions import db

ROLE_NAMES = {"manager": "leder", "staff": "ansatt", "customer": "kunde"}


@click.command("seed")
@click.option(
    "--allow-production", is_flag=True, help="Last inn demodata selv om butikken er i produksjon."
)
@click.option(
    "--if-empty", is_flag=True, help="Gjør ingenting hvis butikken allerede har varer (make run)."
)
@with_appcontext
def seed_command(allow_production: bool, if_empty: bool) -> None:
    """Last inn demokatalogen: kategorier, varer med bilder og prishistorikk, to
    ansattkontoer og databehandlerne. Det som finnes fra før, blir stående urørt."""
    if is_production(current_app) and not allow_production:
        raise click.ClickException(
            "Butikken kjører i produksjon. Demodata lastes bare inn med --allow-production."
        )
    if if_empty and db.session.scalar(select(func.count()).select_from(Product)):
        click.echo("Butikken har allerede varer; demodata lastes ikke inn.")
        return
    started = time.perf_counter()
    now = demo_clock()
    categories = seed_categories()
    media_dir = Path(current_app.config["MEDIA_DIR"])
    with click.progressbar(product_specs(), label="Legger inn varer", show_pos=True) as specs:
        products = seed_products(specs, categories.by_slug, media_dir, now)
    accounts = seed_accounts()
    processors = seed_processors()
    db.session.commit()
    # Passwords are shown only after the commit, so none is shown for an account never saved.
    _report_categories(categories)
    _report_products(products, time.perf_counter() - started)
    if processors:
        click.echo(f"La inn {len(processors)} databehandlere: {', '.join(processors)}.")
    else:
        click.echo("Ingen nye databehandlere: alle fantes fra før.")
    for account in accounts:
        _report_account(account)


def _report_categories(result: CategoryResult) -> None:
    if result.created:
        click.echo(f"{len(result.created)} nye kategorier ({len(result.existing)} fantes fra før).")
    else:
        click.echo(f"Ingen nye kategorier: alle {len(result.existing)} fantes fra før.")


def _report_products(result: ProductResult, seconds: float) -> None:
    took = f"{seconds:.1f}".replace(".", ",")
    if result.created:
        click.echo(
            f"Lastet {result.created} varer i {len(result.categories)} kategorier og skrev "
            f"{result.images_written} bildefiler på {took} s."
        )
    else:
        click.echo(f"Ingen nye varer ({took} s).")
    if result.existing:
        click.echo(f"{result.existing} varer fantes fra før (samme varenummer) og er ikke endret.")
        if not result.created and result.images_written:
            click.echo(f"{result.images_written} manglende bildefiler er laget på nytt.")
    if result.slug_taken:
        click.echo(
            f"Hoppet over {len(result.slug_taken)} varer fordi adressen (slug) er i bruk av en "
            f"annen vare: {', '.join(result.slug_taken)}."
        )


def _report_account(account: AccountResult) -> None:
    role = ROLE_NAMES.get(account.role, account.role)
    if account.password is None:
        click.echo(f"Kontoen {account.email} ({role}) finnes allerede; passordet er ikke endret.")
        return
    click.echo(f"Opprettet konto {account.email} ({role}) med passord: {account.password}")
    click.echo("  Passordet vises bare denne ene gangen – ta vare på det.")
