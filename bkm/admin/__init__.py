"""The staff area at /admin: thin views over the domains' rules; staff and managers only."""

from flask import Blueprint

from bkm.accounts.roles import require_role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _staff_only():
    """The one access check of the area: every route below inherits it."""
    return require_role("staff", "manager")


# consent_ledger, policy_versions, privacy and processors are the managers' privacy pages,
# a blueprint nested in this one (bkm/admin/privacy.py).
from bkm.admin import (  # noqa: E402,F401  (routes)
    access_requests,
    cases,
    consent_ledger,
    credit_notices,
    documents,
    erasure_facts,
    marketing_lists,
    newsletters,
    offers,
    orders,
    policy_versions,
    privacy,
    processors,
    quotes,
    views,
)

bp.register_blueprint(privacy.bp)  # /admin/personvern, /admin/databehandlere, /admin/samtykker
