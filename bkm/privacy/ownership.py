"""Which rows of a mapped table belong to one customer, as a Core select over the data map."""

from __future__ import annotations

import sqlalchemy as sa

from bkm.accounts.models import User
from bkm.extensions import db
from bkm.privacy.data_map import Table


def _table(name: str) -> sa.Table:
    return db.metadata.tables[name]


def owner_condition(entry: Table, user: User) -> sa.ColumnElement[bool]:
    """A condition on `entry`'s table that holds for exactly the rows belonging to `user`.

    Each hop of `owner.via` is a subquery on the parent's primary key, so the condition
    stays a plain WHERE clause that works in SELECT, UPDATE and DELETE on both engines.
    """
    owner = entry.owner
    me = user.email if owner.by_email else user.id
    if not owner.via:
        return _table(entry.name).c[owner.column] == me
    hops = list(owner.via)
    parent_name, parent_column = hops.pop()
    condition: sa.ColumnElement[bool] = _table(parent_name).c[parent_column] == me
    inner = sa.select(_table(parent_name).primary_key.columns[0]).where(condition)
    # Work outwards from the customer to the row: orders → shipments → shipment_lines.
    child_column = _table(entry.name).c[owner.column]
    for name, column in reversed(hops):
        hop = _table(name)
        inner = sa.select(hop.primary_key.columns[0]).where(hop.c[column].in_(inner))
    return child_column.in_(inner)


def owned_rows(entry: Table, user: User) -> sa.Select:
    """SELECT of every column of `entry`'s rows that belong to `user`, in primary-key order."""
    table = _table(entry.name)
    return sa.select(table).where(owner_condition(entry, user)).order_by(*table.primary_key.columns)
