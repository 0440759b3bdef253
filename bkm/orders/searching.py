"""Finding orders for the staff list: by status, order number, buyer name or e-mail."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select

from bkm.orders.models import Order

MAX_WORDS = 8


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, word: str) -> ColumnElement[bool]:
    """Case-insensitive on both engines (SQLite folds ASCII only, so try the usual spellings)."""
    variants = {word, word.lower(), word.capitalize(), word.upper()}
    return or_(*(column.ilike(f"%{_escape_like(v)}%", escape="\\") for v in sorted(variants)))


def order_search(query: str = "", status: str = "") -> Select:
    """Orders, newest first; every word must appear in the number, name, company or e-mail.
    A bare number ("100001") finds BKM-100001."""
    stmt = select(Order)
    if status:
        stmt = stmt.where(Order.status == status)
    for word in query.split()[:MAX_WORDS]:
        stmt = stmt.where(
            or_(
                _contains(Order.number, word),
                _contains(Order.name, word),
                _contains(Order.company_name, word),
                _contains(Order.email, word),
            )
        )
    return stmt.order_by(Order.placed_at.desc(), Order.id.desc())
