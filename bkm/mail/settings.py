"""Mail settings, resolved and checked once at start-up so a wrong one stops the shop early.

After `resolve(app)` the config holds concrete values: MAIL_TRANSPORT is "smtp" or "file",
MAIL_DIR is a path, MAIL_SEND_AFTER_REQUEST is a bool. A production shop that would quietly
write its mail to files instead of sending it refuses to start.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from bkm.config import ConfigError, is_production

TRANSPORTS = ("smtp", "file")
SMTP_SECURITY = ("starttls", "ssl", "none")


def resolve(app: Flask) -> None:
    config = app.config
    config["MAIL_TRANSPORT"] = _choose_transport(app)
    if config["SMTP_SECURITY"] not in SMTP_SECURITY:
        raise ConfigError(
            f"BKM_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, "
            f"not {config['SMTP_SECURITY']!r}."
        )
    if not config["MAIL_DIR"]:
        config["MAIL_DIR"] = str(Path(app.instance_path) / "mail")
    if config["MAIL_SEND_AFTER_REQUEST"] is None:
        config["MAIL_SEND_AFTER_REQUEST"] = not (app.testing or is_production(app))


def _choose_transport(app: Flask) -> str:
    explicit = app.config["MAIL_TRANSPORT"]
    if explicit is not None and explicit not in TRANSPORTS:
        raise ConfigError(f"BKM_MAIL_TRANSPORT must be smtp or file, not {explicit!r}.")
    if explicit == "smtp" and not app.config["SMTP_HOST"]:
        raise ConfigError("BKM_MAIL_TRANSPORT is smtp, but BKM_SMTP_HOST is not set.")
    chosen = explicit or ("smtp" if app.config["SMTP_HOST"] else "file")
    # Only an explicit choice may write production mail to files: a forgotten SMTP_HOST
    # would otherwise lose every order confirmation without a single error.
    if chosen == "file" and explicit is None and is_production(app):
        raise ConfigError(
            "BKM_SMTP_HOST is not set. In production the shop sends e-mail over SMTP: set "
            "BKM_SMTP_HOST (and BKM_SMTP_USERNAME, BKM_SMTP_PASSWORD as your provider needs). "
            "To keep mail as .eml files in BKM_MAIL_DIR instead, set BKM_MAIL_TRANSPORT=file."
        )
    return chosen
