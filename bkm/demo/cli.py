from __future__ import annotations

import click


@click.command("seed")
def seed_command() -> None:
    """Load the demo catalogue (being written)."""
    raise click.ClickException("not written yet")
