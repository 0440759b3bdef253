"""Reading the clickstream tables in tests."""

from __future__ import annotations

from sqlalchemy import select

from bkm.clickstream.models import ClickEvent, PageCount
from bkm.extensions import db

COMPUTER_UA = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"
}


def events() -> list[ClickEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(ClickEvent).order_by(ClickEvent.id)))


def counts() -> list[PageCount]:
    """The cookieless counts, less the settings page the consent helper reads its token from."""
    db.session.expire_all()
    rows = db.session.scalars(select(PageCount).order_by(PageCount.id))
    return [row for row in rows if row.path != "/cookie-innstillinger"]
