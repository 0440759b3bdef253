"""Raw events are kept CLICKSTREAM_RETENTION_DAYS (180) and then deleted; the cookieless
daily counts stay. `flask --app wsgi clickstream purge` runs it (daily, from cron or a timer)."""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete

from bkm.clickstream.models import ClickEvent
from bkm.clock import utcnow
from bkm.extensions import db

clickstream_cli = AppGroup("clickstream", help="The clickstream's raw events.")


def delete_old_events(now: datetime | None = None, days: int | None = None) -> int:
    """Delete raw events older than the retention period in the caller's transaction (the
    nightly `bkm retention run` commits it); returns how many went."""
    days = current_app.config["CLICKSTREAM_RETENTION_DAYS"] if days is None else days
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(delete(ClickEvent).where(ClickEvent.at < cutoff))
    return result.rowcount or 0


def purge_old_events(now: datetime | None = None, days: int | None = None) -> int:
    """Delete raw events older than the retention period and commit; returns how many went."""
    removed = delete_old_events(now, days)
    db.session.commit()
    return removed


@clickstream_cli.command("purge")
def purge_command() -> None:
    """Delete raw clickstream events older than BKM_CLICKSTREAM_RETENTION_DAYS."""
    removed = purge_old_events()
    click.echo(f"Deleted {removed} clickstream events older than the retention period.")
