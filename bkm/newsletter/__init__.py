"""The newsletter and direct marketing by consent: double opt-in subscriptions, newsletters
sent through the outbox exactly once per recipient, one-click unsubscribe (RFC 8058), offers
from earlier purchases, and the customers' say on sales calls and catalogues."""

from flask import Blueprint, Flask

bp = Blueprint("newsletter", __name__)


def init_app(app: Flask) -> None:
    """The subscriber pages, and `flask --app wsgi newsletter send` (sending_views)."""
    from bkm.newsletter import sending_views

    app.register_blueprint(bp)
    app.cli.add_command(sending_views.newsletter_cli)


from bkm.newsletter import (  # noqa: E402,F401  (tables and routes)
    models,
    preference_views,
    subscription_views,
)
