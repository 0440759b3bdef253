"""`flask bkm retention run [--dry-run]`: the nightly retention job (R3.9).

Each step is a rule of bkm/privacy/retention.py or retention_housekeeping.py; the command
commits after each one, so a long night never holds one big transaction, and a run stopped
half-way is simply finished by the next (every rule is idempotent). --dry-run runs the very
same statements in one transaction and rolls it back, so what it prints is exactly what a
real run would do now, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from bkm.clock import utcnow
from bkm.extensions import db
from bkm.privacy.retention import (
    Cutoffs,
    RetentionSettingsError,
    anonymise_cases,
    anonymise_credit_notices,
    anonymise_orders,
    anonymise_quotes,
    blank_shipment_notes,
    delete_documents_past_retention,
    periods_from,
)
from bkm.privacy.retention_housekeeping import (
    NOTHING_STORED,
    delete_expired_consent_proof,
    delete_expired_erasure_facts,
    delete_sent_mail,
    delete_unverified_accounts,
    old_mail_files,
    purge_clickstream,
)

retention_group = AppGroup("retention", help="Oppbevaring: anonymisering og sletting (R3.9).")


@dataclass(frozen=True)
class Step:
    label: str  # Norwegian, shown next to the progress bar
    run: Callable[[Cutoffs], dict[str, int]]


# Orders before documents: an order is judged by its documents' dates, so they must still
# be there when it is; accounts after orders, so an account whose only orders were just
# anonymised owns nothing any more.
STEPS = (
    Step("ordrer", anonymise_orders),
    Step("forsendelser", blank_shipment_notes),
    Step("bilag", delete_documents_past_retention),
    Step("tilbud", anonymise_quotes),
    Step("saker", anonymise_cases),
    Step("kredittmeldinger", anonymise_credit_notices),
    Step("klikkdata", purge_clickstream),
    Step("ubekreftede kontoer", delete_unverified_accounts),
    Step("e-post", delete_sent_mail),
    Step("sletteregler", delete_expired_erasure_facts),
    Step("samtykkelogg", delete_expired_consent_proof),
)

# What each count is, and what happened to it: (noun, done).
COUNTS = {
    "orders": ("Ordrer", "anonymisert"),
    "shipment_notes": ("Merknader på forsendelser", "fjernet"),
    "primary_documents": ("Fakturaer og kreditnotaer", "slettet"),
    "secondary_documents": ("Ordrebekreftelser og pakksedler", "slettet"),
    "quotes": ("Tilbud", "anonymisert"),
    "cases": ("Saker", "anonymisert"),
    "credit_notices": ("Kredittmeldinger", "anonymisert"),
    "click_events": ("Klikkhendelser", "slettet"),
    "unverified_accounts": ("Ubekreftede kontoer", "slettet"),
    "mail": ("Sendte e-poster", "slettet"),
    "mail_attachments": ("Vedlegg til sendte e-poster", "slettet"),
    "mail_files": ("E-postfiler (.eml)", "slettet"),
    "misuse_incidents": ("Registrert misbruk", "slettet"),
    "debt_sales": ("Solgte krav", "slettet"),
    "credit_decisions": ("Kredittvurderinger", "slettet"),
    "consent_records": ("Rader i samtykkeloggen", "slettet"),
}


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Vis hva som ville blitt gjort; endre ingenting.")
def run_command(dry_run: bool) -> None:
    """Anonymiser og slett det som er ute av oppbevaringstiden. Trygt å kjøre hver natt."""
    try:
        periods = periods_from(current_app.config)
    except RetentionSettingsError as error:
        raise click.ClickException(str(error)) from error
    cutoffs = Cutoffs.at(utcnow(), periods)
    counts: dict[str, int] = {}
    with click.progressbar(
        STEPS,
        label=f"Oppbevaring {cutoffs.today:%d.%m.%Y}",
        item_show_func=lambda step: step.label if step else None,
    ) as steps:
        for step in steps:
            try:
                counts.update(step.run(cutoffs))
            except BaseException:
                db.session.rollback()
                raise
            if not dry_run:
                db.session.commit()
    if dry_run:
        db.session.rollback()
    files = old_mail_files(current_app.config.get("MAIL_DIR"), cutoffs)
    if not dry_run:
        for path in files:
            Path(path).unlink(missing_ok=True)
    counts["mail_files"] = len(files)
    click.echo("\n".join(summary(counts, cutoffs, dry_run=dry_run)))


def summary(counts: dict[str, int], cutoffs: Cutoffs, *, dry_run: bool) -> list[str]:
    """The run's report in Norwegian: one line per kind of data, then what is never stored."""
    lines = [
        "Prøvekjøring: dette ville blitt gjort, men ingenting er endret."
        if dry_run
        else "Oppbevaring utført.",
        f"Ute av oppbevaring: fakturaer og kreditnotaer fra {cutoffs.primary_year} og før; ordrer, "
        f"ordrebekreftelser, pakksedler, tilbud, saker og kredittmeldinger fra "
        f"{cutoffs.secondary_year} og før.",
    ]
    for key, (noun, done) in COUNTS.items():
        verb = f"ville blitt {done}" if dry_run else done
        lines.append(f"  {noun}: {counts.get(key, 0)} {verb}")
    lines.extend(f"  {text}" for text in NOTHING_STORED.values())
    return lines
