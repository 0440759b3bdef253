"""Accounts: customers, staff and roles; registration, login, e-mail verification, passwords."""

from flask import Blueprint

from bkm.forms import format_org_number, format_phone

bp = Blueprint("accounts", __name__, url_prefix="/konto")

# Session keys that survive a login's session renewal; packages above accounts add theirs.
KEPT_AT_LOGIN: set[str] = set()
bp.add_app_template_filter(format_phone, "phone")
bp.add_app_template_filter(format_org_number, "org_number")

from bkm.accounts import case_views, quote_views, roles, views  # noqa: E402,F401  (user loader and routes)
