"""Finding customers: the staff list and search."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select

from bkm.accounts.models import User

MAX_WORDS = 8


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, word: str) -> ColumnElement[bool]:
    """Case-insensitive 'contains' on both engines. SQLite folds only ASCII case, so the
    usual spellings of a word are tried as well ('øystein' finds 'Øystein')."""
    variants = {word, word.lower(), word.capitalize(), word.upper()}
    return or_(*(column.ilike(f"%{_escape_like(v)}%", escape="\\") for v in sorted(variants)))


def _phone_digits(query: str) -> str | None:
    """'412 34 567', '+47 412 34 567' or '0047…' as the digits stored in E.164 phones."""
    compact = "".join(query.split()).replace("-", "").lstrip("+")
    if len(compact) < 3 or not (compact.isascii() and compact.isdigit()):
        return None
    return compact[2:] if compact.startswith("00") else compact


def customer_search(query: str = "") -> Select:
    """Customers, newest first. A number searches phone and org.nr; words must each appear
    in the name, e-mail or company name."""
    stmt = select(User).where(User.role == "customer")
    digits = _phone_digits(query)
    if digits:
        return stmt.where(
            or_(User.phone.contains(digits), User.org_number.contains(digits))
        ).order_by(User.created_at.desc(), User.id.desc())
    for word in query.split()[:MAX_WORDS]:
        stmt = stmt.where(
            or_(
                _contains(User.name, word),
                _contains(User.email, word),
                _contains(User.company_name, word),
            )
        )
    return stmt.order_by(User.created_at.desc(), User.id.desc())
