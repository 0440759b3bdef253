"""`flask --app wsgi analytics …`: the nightly rollup, and demo traffic for showing and
benchmarking the dashboards."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from bkm.extensions import db

analytics_cli = AppGroup("analytics", help="Statistikkens sammendrag (analytics_*-tabellene).")


def _parse_day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(
            f"{value!r} er ikke en dato på formen 2026-11-24.", param_hint=name
        ) from error


@analytics_cli.command("rollup")
@click.option("--all", "everything", is_flag=True, help="Summer alle dager med rådata på nytt.")
@click.option("--day", "one_day", metavar="ÅÅÅÅ-MM-DD", help="Summer én dag på nytt.")
@click.option("--from", "first", metavar="ÅÅÅÅ-MM-DD", help="Første dag i et intervall.")
@click.option("--to", "last", metavar="ÅÅÅÅ-MM-DD", help="Siste dag i intervallet (med).")
def rollup_command(everything: bool, one_day: str | None, first: str | None, last: str | None):
    """Summer klikkstrømmen, ordrene og samtykkene per dag.

    Uten valg: hver avsluttet dag som mangler eller ble summert før den var over (kjør det
    hver natt). En dag summert på nytt erstattes; dager der rådata er slettet siden,
    beholdes som de var.
    """
    from analytics import rollup
    from analytics.periods import Period

    day = _parse_day(one_day, "--day")
    start, end = _parse_day(first, "--from"), _parse_day(last, "--to")
    chosen = sum([everything, day is not None, start is not None or end is not None])
    if chosen > 1:
        raise click.UsageError("Velg bare én av --all, --day og --from/--to.")
    if (start is None) != (end is None):
        raise click.UsageError("--from og --to må brukes sammen.")
    if start is not None and end is not None and start > end:
        raise click.UsageError("--from må være før eller lik --to.")
    commit = db.session.commit
    if everything:
        summary = rollup.rollup_all(after_day=commit)
    elif day is not None:
        summary = rollup.rollup_day(day)
    elif start is not None and end is not None:
        summary = rollup.rollup_days(Period(start, end).each_day(), after_day=commit)
    else:
        summary = rollup.rollup_pending(after_day=commit)
    db.session.commit()
    click.echo(str(summary))


@analytics_cli.command("demo-traffic")
@click.option("--days", type=click.IntRange(1, 3660), default=365, show_default=True)
@click.option("--visits-per-day", type=click.IntRange(1, 1_000_000), default=300, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Samme frø gir samme trafikk.")
@click.option("--if-empty", is_flag=True, help="Gjør ingenting hvis butikken alt har besøk.")
def demo_traffic_command(days: int, visits_per_day: int, seed: int, if_empty: bool) -> None:
    """Lag realistisk demotrafikk og ordrer gjennom den vanlige registreringskoden."""
    from bkm.demo.traffic import DemoTrafficError, generate_traffic, has_traffic

    if if_empty and has_traffic():
        click.echo("Butikken har allerede besøk; ingen demotrafikk lagt til.")
        return
    with click.progressbar(length=days, label="Dager") as bar:
        try:
            summary = generate_traffic(
                days=days, visits_per_day=visits_per_day, seed=seed, progress=bar.update
            )
        except DemoTrafficError as error:
            raise click.ClickException(str(error)) from error
    db.session.commit()  # the generator leaves committing to its caller
    click.echo(str(summary))
