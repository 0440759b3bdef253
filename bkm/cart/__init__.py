"""The cart: server-side, one per visitor, merged into the customer's own cart at login."""

from flask import Blueprint, current_app, flash, has_request_context, session
from flask_login import user_logged_in
from sqlalchemy.exc import SQLAlchemyError

bp = Blueprint("cart", __name__)

from bkm.accounts import KEPT_AT_LOGIN  # noqa: E402
from bkm.cart import checkout_views, quote_views, views  # noqa: E402,F401  (routes register on import)
from bkm.cart.cart import (  # noqa: E402
    SESSION_KEY,
    Adjustment,
    cart_item_count,
    claim_cart_at_login,
)
from bkm.extensions import db  # noqa: E402


@bp.app_context_processor
def _cart_link() -> dict:
    def cart_count() -> int:
        # Called from the header; an error page must still render if the database failed.
        try:
            return cart_item_count()
        except SQLAlchemyError:
            db.session.rollback()
            return 0

    return {"cart_count": cart_count}


# The anonymous cart's token must survive the login's session renewal for the merge below.
KEPT_AT_LOGIN.add(SESSION_KEY)


@user_logged_in.connect
def _merge_cart_at_login(_app, user, **_extra) -> None:
    """The anonymous cart joins the customer's cart when they log in.

    Logging in is its own unit of work: the login view has committed before login_user, so
    the merge commits here. A failed merge must not fail the login; the cart then stays.
    """
    if not has_request_context():
        return
    token = session.pop(SESSION_KEY, None)
    if not token:
        return
    try:
        adjustments = claim_cart_at_login(token, user.id)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Could not merge the anonymous cart at login")
        return
    if adjustments:
        flash(_adjustment_message(adjustments), "info")


def _adjustment_message(adjustments: list[Adjustment]) -> str:
    parts = [
        f"{a.product.title}: {a.got} stk." if a.got else f"{a.product.title}: ikke tilgjengelig"
        for a in adjustments
    ]
    return (
        "Varene du la i handlekurven før du logget inn, er lagt til i handlekurven din. Vi "
        "har ikke nok til alt, så noen antall er justert: " + "; ".join(parts) + "."
    )
