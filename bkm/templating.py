"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from bkm.clock import to_oslo
from bkm.money import format_kr

COMPANY = {
    "name": "Brukte Kontormøbler AS",
    "street": "Svartbekkvegen 50",
    "postcode": "2411",
    "city": "Elverum",
    "email": "post@bruktekontormobler.no",
    "phone": "62 41 79 05",
    "org_number": "974 408 597",
    "website": "bruktekontormobler.no",
}


def oslo_datetime(moment: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    return "" if moment is None else to_oslo(moment).strftime(fmt)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["kr"] = format_kr
    app.jinja_env.filters["oslo"] = oslo_datetime
    app.jinja_env.globals["company"] = COMPANY
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
