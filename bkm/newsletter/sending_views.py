"""The newsletter's entry points outside the web pages: `flask --app wsgi newsletter send`.

Like a domain's views, this is the top of the package: it may call other domains' rules, so
it plugs bkm.personal's products into the sending rules (bkm.newsletter.sending), which rank
with bkm.personal and cannot import it. init_app loads it, so every app has both.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

import bkm.personal as personal  # as a module: the way views import it
from bkm.catalog.models import Product
from bkm.extensions import db
from bkm.newsletter.models import Newsletter
from bkm.newsletter.sending import (
    BATCH_SIZE,
    counts,
    provide_personal_products,
    send_all,
    start_sending,
    unfinished,
)


def products_for(user_id: int, limit: int) -> list[Product]:
    """From the recipient's purchases («Tilbud til deg») and interests («Utvalgt for deg»);
    bkm.personal offers only active products in stock that they have not bought."""
    offered = personal.offers_for(user_id, limit=limit // 2)
    picks = personal.picks_for(user_id, limit=limit - len(offered), exclude={p.id for p in offered})
    return [*offered, *picks]


provide_personal_products(products_for)

newsletter_cli = AppGroup("newsletter", help="Newsletters: send and resume.")


@newsletter_cli.command("send")
@click.option("--id", "newsletter_id", type=int, help="Send or resume this newsletter only.")
@click.option("--batch-size", default=BATCH_SIZE, show_default=True, type=click.IntRange(1))
def send_command(newsletter_id: int | None, batch_size: int) -> None:
    """Send a draft newsletter (--id), or resume every newsletter left in "sending"."""
    if newsletter_id is None:
        targets = unfinished()
        if not targets:
            click.echo("Ingen nyhetsbrev venter på sending.")
            return
    else:
        newsletter = db.session.get(Newsletter, newsletter_id)
        if newsletter is None:
            raise click.ClickException(f"Fant ikke nyhetsbrev {newsletter_id}.")
        if newsletter.status == "sent":
            click.echo(f"Nyhetsbrev {newsletter.id} er allerede sendt.")
            return
        if newsletter.status == "draft":
            start_sending(newsletter)
            db.session.commit()
        targets = [newsletter]
    for newsletter in targets:
        send_all(newsletter, batch_size)
        found = counts(newsletter)
        click.echo(
            f"Nyhetsbrev {newsletter.id}: {found['sent']} sendt til utboksen, "
            f"{found['skipped']} hoppet over."
        )
    click.echo("Kjør «flask --app wsgi bkm mail send» for å levere e-postene.")
