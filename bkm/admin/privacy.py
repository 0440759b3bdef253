"""The managers' privacy pages inside /admin: the privacy statement's versions, the register
of processors and the consent ledger.

They are a blueprint nested in the staff area, so a request passes the staff area's check and
then this one: staff get 403 here, visitors go to the login page. The routes live in
policy_versions.py, processors.py and consent_ledger.py; bkm/admin/__init__.py nests it.
"""

from flask import Blueprint

from bkm.accounts.roles import require_role

bp = Blueprint("privacy", __name__)  # endpoints are "admin.privacy.<view>"


@bp.before_request
def _managers_only():
    """The one access check of the privacy pages: managers only."""
    return require_role("manager")


def one_line(value):
    """A WTForms filter: line breaks and runs of spaces become one space (one-line texts)."""
    return " ".join(value.split()) if isinstance(value, str) else value
