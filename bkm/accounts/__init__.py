"""Accounts: logging in and out, roles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/konto")

from bkm.accounts import roles, views  # noqa: E402,F401  (user loader and routes)
