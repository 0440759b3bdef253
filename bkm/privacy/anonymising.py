"""Blanking the personal columns of mapped rows: the one step erasure (R3.10) and retention
(R3.9) share, so both strip exactly what the data map says and nothing else."""

from __future__ import annotations

import sqlalchemy as sa

from bkm.extensions import db
from bkm.privacy.data_map import Table


def blank_value(column: sa.Column):
    """What a personal column becomes: NULL where allowed, else the type's empty value."""
    if column.nullable:
        return None
    python_type = column.type.python_type
    if python_type is str:
        return ""
    if python_type is bool:
        return False
    if python_type in (int, float):
        return 0
    if python_type is dict:
        return {}
    raise TypeError(f"no blank value for {column.table.name}.{column.name} ({column.type})")


def blanked_columns(entry: Table) -> dict[str, object]:
    """{column: blank value} for every personal column of `entry` whose rule is "blank"."""
    table = db.metadata.tables[entry.name]
    return {
        name: blank_value(table.c[name])
        for name, field in entry.personal.items()
        if field.erase == "blank"
    }


def anonymise(entry: Table, condition: sa.ColumnElement[bool], **also) -> int:
    """Blank the personal columns of `entry`'s rows matching `condition`, and cut a direct link
    to the customer (the owner column becomes NULL). `also` sets further columns (a timestamp).
    Returns the number of rows. Never commits.
    """
    table = db.metadata.tables[entry.name]
    values = blanked_columns(entry)
    owner = table.c[entry.owner.column]
    if not entry.owner.via and not entry.owner.by_email and owner.nullable:
        values[owner.name] = None
    values.update(also)
    if not values:
        return 0
    return db.session.execute(sa.update(table).where(condition).values(**values)).rowcount
