"""Declarative base, naming convention, aware-UTC timestamps and SQLite connection pragmas."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns aware UTC datetimes on every engine (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL so readers never block the writer, enforced foreign keys, and a busy wait."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def make_append_only(model: type, error: type[Exception]) -> None:
    """Refuse, with `error`, every ORM change or delete of `model`'s rows, bulk ones included.

    For records that are proof (the audit log, the consent ledger): rows are only ever added.
    A foreign key's ON DELETE SET NULL still runs in the database when a person is erased.
    """
    name = model.__name__

    @event.listens_for(model, "before_update")
    def _refuse_update(_mapper, _connection, row) -> None:
        raise error(f"{name} {row.id} cannot be changed")

    @event.listens_for(model, "before_delete")
    def _refuse_delete(_mapper, _connection, row) -> None:
        raise error(f"{name} {row.id} cannot be deleted")

    @event.listens_for(Session, "do_orm_execute")
    def _refuse_bulk_changes(state) -> None:
        # session.execute(update(...)) and delete(...) skip the mapper events above.
        if (state.is_update or state.is_delete) and any(
            mapper.class_ is model for mapper in state.all_mappers
        ):
            raise error(f"{name} rows are append-only")
