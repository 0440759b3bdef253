"""`flask bkm mail send [--watch]` and `flask bkm mail status`: running the outbox by hand."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bkm.extensions import db
from bkm.mail.models import MAIL_STATUSES, MailMessage
from bkm.mail.sender import SendReport, send_due
from bkm.templating import oslo_datetime

mail_group = AppGroup("mail", help="Utgående e-post: sending og status for utboksen.")

STATUS_NAMES = {"queued": "i kø", "sending": "sendes nå", "sent": "sendt", "failed": "feilet"}


@mail_group.command("send")
@click.option("--watch", is_flag=True, help="Fortsett å sende til du trykker Ctrl-C.")
@click.option(
    "--interval", default=10.0, show_default=True, help="Sekunder mellom rundene med --watch."
)
@click.option("--limit", default=100, show_default=True, help="Høyst så mange e-poster per runde.")
def send_command(watch: bool, interval: float, limit: int) -> None:
    """Send e-post som venter i utboksen. Feil prøves igjen senere."""
    if not watch:
        click.echo(_summary(_send_all_due(limit)))
        return
    stop = threading.Event()
    click.echo(f"Ser etter e-post å sende hvert {_number(interval)} sekund. Ctrl-C avslutter.")
    with _stop_on_signals(stop):
        while not stop.is_set():
            try:
                report = _send_all_due(limit, should_stop=stop.is_set)
            except OperationalError as error:  # the database restarts; the queue waits
                db.session.rollback()
                click.echo(f"Fikk ikke kontakt med databasen, prøver igjen: {error.orig}")
            else:
                if report.sent or report.failed or report.requeued:
                    click.echo(_summary(report))
            stop.wait(interval)
    click.echo("Avsluttet.")


@mail_group.command("status")
def status_command() -> None:
    """Vis hvor mange e-poster utboksen har i hver tilstand."""
    counts = dict(
        db.session.execute(
            select(MailMessage.status, func.count()).group_by(MailMessage.status)
        ).all()
    )
    for status in MAIL_STATUSES:
        click.echo(f"{STATUS_NAMES[status]:<10} {counts.get(status, 0):>6}")
    next_attempt = db.session.scalar(
        select(func.min(MailMessage.next_attempt_at)).where(MailMessage.status == "queued")
    )
    if next_attempt is not None:
        click.echo(f"Neste forsøk: {oslo_datetime(next_attempt)}")


def _send_all_due(limit: int, should_stop=lambda: False) -> SendReport:
    """Batches until a batch comes back short: everything due now has had its attempt."""
    total = SendReport()
    while True:
        report = send_due(limit, should_stop=should_stop)
        total.sent += report.sent
        total.failed += report.failed
        total.given_up += report.given_up
        total.requeued += report.requeued
        total.waiting = report.waiting
        if report.sent + report.failed < limit or should_stop():
            return total


def _summary(report: SendReport) -> str:
    lines = [f"Sendt {report.sent}, feilet {report.failed}, venter {report.waiting}"]
    if report.given_up:
        lines.append(f"{report.given_up} e-post(er) er gitt opp etter for mange forsøk.")
    if report.requeued:
        lines.append(
            f"{report.requeued} e-post(er) ble stående under sending og er lagt i kø igjen."
        )
    return "\n".join(lines)


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM ask for a stop; the mail being sent is finished first."""

    def request_stop(_signum, _frame) -> None:
        click.echo("Stopper etter e-posten som sendes nå …")
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
