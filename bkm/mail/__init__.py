"""Outgoing e-mail: an outbox table written in the business transaction, sent after commit."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Check the mail settings (a ConfigError stops start-up) and hook in after-response sending."""
    from bkm.mail import after_response, settings

    settings.resolve(app)
    after_response.init_app(app)
