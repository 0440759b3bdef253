"""Withdrawing statistics consent cuts the visitor id's link (R3.6).

The events stay in the figures, but the random visitor id that tied them to one browser is
blanked, in the database and in the worker's buffer, so they can no longer be put together.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import update

from bkm.clickstream.models import ClickEvent
from bkm.consent import on_withdrawal
from bkm.consent.registry import STATISTICS, VISITOR_COOKIE
from bkm.extensions import db


@on_withdrawal(STATISTICS)
def forget_visitor(withdrawal) -> None:
    visitor_id = withdrawal.cookies.get(VISITOR_COOKIE, "")
    if len(visitor_id) != 32:
        return
    if buffer := current_app.extensions.get("bkm_clickstream"):
        buffer.forget_visitor(visitor_id)
    db.session.execute(
        update(ClickEvent).where(ClickEvent.visitor_id == visitor_id).values(visitor_id="")
    )
