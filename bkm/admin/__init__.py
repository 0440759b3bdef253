"""The staff area at /admin: thin views over the domains' rules; staff and managers only."""

from flask import Blueprint

from bkm.accounts.roles import require_role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _staff_only():
    """The one access check of the area: every route below inherits it."""
    return require_role("staff", "manager")


from bkm.admin import cases, credit_notices, documents, orders, quotes, views  # noqa: E402,F401  (routes)
