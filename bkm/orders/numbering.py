"""Gapless document numbers: one counter row per series, taken in the issuer's transaction.

`allocate(series)` is one `UPDATE document_series SET next_number = next_number + 1 WHERE
series = … RETURNING next_number - 1`. The UPDATE locks the row on PostgreSQL and takes the
database's single write lock on SQLite, so a second issuer of the same series waits until the
first commits or rolls back. A rollback restores the counter with everything else, so the
number comes back: no gaps, and no number twice (UNIQUE (series, number) on issued_documents
says so again). Hold the lock briefly: allocate late in the unit of work and commit soon.

Never commits. A series missing from the table (the migration seeds the known ones) is created
on first use with INSERT … ON CONFLICT DO NOTHING, safe when two issuers race to create it.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect

from bkm.extensions import db
from bkm.orders.document_models import DocumentSeries

# Where each series starts; the migration seeds the same rows.
FIRST_NUMBERS = {"invoice": 10001, "credit_note": 50001, "packing_slip": 1, "order_confirmation": 1}

# RETURNING arrived in SQLite 3.35; before that, UPDATE then SELECT in the same transaction is
# just as safe, since the UPDATE already holds the write lock.
SQLITE_HAS_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)


def allocate(series: str) -> int:
    """The next number of `series`, reserved until the caller's transaction ends."""
    number = _take(series)
    if number is None:
        _create(series)
        number = _take(series)
    if number is None:  # pragma: no cover - the row was just created
        raise RuntimeError(f"document series {series!r} could not be created")
    return number


def peek(series: str) -> int | None:
    """The number the next allocate would give (for display only: not reserved)."""
    return db.session.scalar(
        select(DocumentSeries.next_number).where(DocumentSeries.series == series)
    )


def _take(series: str) -> int | None:
    statement = (
        update(DocumentSeries)
        .where(DocumentSeries.series == series)
        .values(next_number=DocumentSeries.next_number + 1)
        .execution_options(synchronize_session=False)
    )
    session = db.session
    if session.get_bind().dialect.name != "sqlite" or SQLITE_HAS_RETURNING:
        return session.execute(
            statement.returning(DocumentSeries.next_number - 1)
        ).scalar_one_or_none()
    if session.execute(statement).rowcount != 1:
        return None
    return session.scalar(
        select(DocumentSeries.next_number - 1).where(DocumentSeries.series == series)
    )


def _create(series: str) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite_dialect.insert
    db.session.execute(
        insert(DocumentSeries)
        .values(series=series, next_number=FIRST_NUMBERS.get(series, 1))
        .on_conflict_do_nothing(index_elements=["series"])
    )
