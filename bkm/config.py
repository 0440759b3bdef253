"""Configuration in layers: code defaults, instance/config.py, BKM_* environment, the argument."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask


class ConfigError(RuntimeError):
    """The configuration cannot run the shop; the message says what to set."""


DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",  # "production" makes the checks below strict
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # None: SQLite file instance/bkm.sqlite
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "WTF_I18N_ENABLED": False,  # WTForms' own nb messages, see bkm.forms
    "PRODUCTS_PER_PAGE": 24,
    "NEW_ARRIVALS_COUNT": 8,
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MEDIA_DIR": None,  # None: instance/media
    "PAGE_CACHE_SECONDS": 5,  # anonymous catalogue pages, see bkm/page_cache.py; 0 turns it off
    "PAGE_CACHE_MAX_ENTRIES": 500,
    "SHOP_NAME": "Brukte Kontormøbler",
    "SHIPPING_PRICE_ORE": 149_000,  # flat delivery price incl. MVA; pickup in Elverum is free
    # The account printed on invoices; None prints the placeholder from bkm.orders.sales_document
    # (marked "ikke i bruk"). Set the real one in production.
    "BANK_ACCOUNT": None,
    "INVOICE_DUE_DAYS": 14,  # an invoice's due date is its date plus this
    # Base of every absolute link in mail, e.g. "https://bruktekontormobler.no". Required in
    # production: links built from the request's Host header could be forged.
    "SHOP_URL": None,
    "MAIL_FROM": "Brukte Kontormøbler <post@bruktekontormobler.no>",
    "MAIL_MESSAGE_ID_DOMAIN": "bruktekontormobler.no",
    # Delivery of the outbox, see bkm/mail/ and the README's mail section.
    "MAIL_TRANSPORT": None,  # "smtp" | "file"; None: smtp when SMTP_HOST is set, else file
    "MAIL_DIR": None,  # None: instance/mail (the file transport's .eml files)
    "MAIL_MAX_ATTEMPTS": 10,  # then the mail is marked failed
    "MAIL_CLAIM_TIMEOUT": 600,  # seconds a claimed mail may stay "sending" before re-queueing
    "MAIL_SEND_AFTER_REQUEST": None,  # None: on in development, off when TESTING or in production
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_SECURITY": "starttls",  # "starttls" | "ssl" | "none"
    "SMTP_TIMEOUT": 30,  # seconds per SMTP connection step
    # Consent, see bkm/consent/. Google Analytics stays off (and the shop makes no third-party
    # request at all) unless a GA4 measurement id such as "G-XXXXXXX" is set.
    "GA_MEASUREMENT_ID": None,
    "POLICY_CACHE_SECONDS": 5,  # how long a worker may serve the statement version it read
    # Clickstream, see bkm/clickstream/. Proxies (CIDRs) whose X-Forwarded-For is believed.
    "TRUSTED_PROXIES": [],
    "CLICKSTREAM_RECORDING": True,  # server-side page views; False turns them off
    "CLICKSTREAM_FLUSH_SECONDS": 1.0,  # how often a worker writes its buffered page views
    "CLICKSTREAM_RETENTION_DAYS": 180,  # raw events; the daily counts stay
    "COLLECT_RATE_LIMIT": "600/minute",  # POST /collect per truncated IP address
    # Forms that guess passwords, send mail, open cases or hold stock, per truncated address
    # (bkm.extensions.rate_limit); a /16 is a neighbourhood, so the figures are generous.
    "LOGIN_RATE_LIMIT": "10/minute;100/hour",
    "REGISTRATION_RATE_LIMIT": "5/minute;30/hour",
    "PASSWORD_RESET_RATE_LIMIT": "5/minute;30/hour",  # reset requests, new passwords, links
    "CONTACT_RATE_LIMIT": "10/minute;60/hour",  # cases, replies, complaints, quote requests
    "CART_RATE_LIMIT": "30/minute;300/hour",  # adding to a cart
    "CHECKOUT_HOLD_RATE_LIMIT": "10/minute;60/hour",  # GET /kasse holds the cart for 15 min
    "REDIS_URL": None,  # shared rate-limit counters across workers; None: each worker counts
    # Retention (R3.9), carried out nightly by `flask bkm retention run` (bkm/privacy/retention.py).
    # Invoices and credit notes: kept this many years after the end of their financial year
    # (bokføringsloven § 13: 5, so until 31 December of year + 5; never set below 5).
    "RETENTION_PRIMARY_YEARS": 5,
    # Order confirmations, packing slips, quotes, cases, credit notices and the order itself:
    # this many months after the end of the financial year (3 years 6 months: 30 June of
    # year + 4; never set below 42).
    "RETENTION_SECONDARY_MONTHS": 42,
    "MAIL_RETENTION_DAYS": 90,  # sent mail (bodies and attachments) is deleted this long after
    "UNVERIFIED_ACCOUNT_DAYS": 30,  # accounts never verified (and holding nothing) go after this
}


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill app.config from the four layers, later ones winning, then validate it."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile(Path(app.instance_path) / "config.py", silent=True)
    app.config.from_prefixed_env("BKM")
    if overrides:
        app.config.from_mapping(overrides)
    _resolve_paths(app)
    _resolve_secret_key(app)
    _resolve_database(app)
    _require_shop_url_in_production(app)
    _require_bank_account_in_production(app)
    _check_measurement_id(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "bkmmemory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)  # no storage lookups per request


def is_production(app: Flask) -> bool:
    return app.config["ENV_NAME"] == "production"


def _resolve_paths(app: Flask) -> None:
    if not app.config["MEDIA_DIR"]:
        app.config["MEDIA_DIR"] = str(Path(app.instance_path) / "media")


def _resolve_secret_key(app: Flask) -> None:
    if app.config["SECRET_KEY"]:
        return
    if is_production(app):
        raise ConfigError(
            "BKM_SECRET_KEY is not set. In production the shop will not start without a secret "
            "key: set BKM_SECRET_KEY to a long random string (python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))') and keep it the same across restarts."
        )
    # Development: generate once and keep it, so sessions survive restarts.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _require_shop_url_in_production(app: Flask) -> None:
    if is_production(app) and not app.config["SHOP_URL"]:
        raise ConfigError(
            "BKM_SHOP_URL is not set. In production every link in an e-mail is built from it "
            "(e.g. https://bruktekontormobler.no), never from the request's Host header."
        )


def is_valid_bank_account(account: str) -> bool:
    """A Norwegian account number: 11 digits (dots and spaces allowed), MOD11 check digit."""
    digits = account.replace(".", "").replace(" ", "")
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
        return False
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(digits[-1])


GA_MEASUREMENT_ID = re.compile(r"G-[A-Z0-9]{4,20}")


def _check_measurement_id(app: Flask) -> None:
    """The id goes into every page with marketing consent: only a real GA4 id is accepted."""
    value = app.config["GA_MEASUREMENT_ID"]
    if value and not (isinstance(value, str) and GA_MEASUREMENT_ID.fullmatch(value)):
        raise ConfigError(
            f"BKM_GA_MEASUREMENT_ID {value!r} is not a GA4 measurement id such as G-ABC123XYZ. "
            "Unset it to keep Google Analytics off."
        )


def _require_bank_account_in_production(app: Flask) -> None:
    account = app.config.get("BANK_ACCOUNT")
    if is_production(app) and not (account and is_valid_bank_account(str(account))):
        raise ConfigError(
            "BKM_BANK_ACCOUNT is not a valid Norwegian account number (11 digits, MOD11). "
            "Every invoice tells the customer where to pay: set it before going live."
        )


def _resolve_database(app: Flask) -> None:
    url = app.config["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'bkm.sqlite'}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError(
            "BKM_DATABASE_URL must be sqlite:///… or postgresql+psycopg://…, "
            f"not {url.split(':')[0]}"
        )
    if is_production(app) and url.startswith("sqlite:") and not app.config.get("ALLOW_SQLITE"):
        app.logger.warning("Running production on SQLite; PostgreSQL is the production database.")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("postgresql"):
        options = {"pool_pre_ping": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
