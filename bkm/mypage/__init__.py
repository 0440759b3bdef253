"""Min side at /min-side: the customer's own data, consents and rights (R9.1–R9.5).

One access check for the whole area: a logged-in customer. Staff and managers have no Min
side (they get 403); visitors go to the login page. The views are thin over bkm.privacy and
the other domains' rules.
"""

from flask import Blueprint

from bkm.accounts.roles import require_role

bp = Blueprint("mypage", __name__, url_prefix="/min-side")


@bp.before_request
def _customers_only():
    """The one access check of the area: every route below inherits it."""
    return require_role("customer")


from bkm.mypage import data_views, erasure_views, views  # noqa: E402,F401  (routes)
