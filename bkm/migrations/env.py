"""Alembic environment for the shop, driven by Flask-Migrate."""

import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    # Only when run from the command line: never reconfigure a running app's or pytest's logs.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# Search objects the migrations create by hand and the models do not describe (they differ by
# engine): the SQLite FTS5 table with its shadow tables, and the PostgreSQL GIN index.
UNMODELLED_TABLE_PREFIXES = ("products_fts",)
UNMODELLED_INDEXES = ("ix_products_search",)


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return not name.startswith(UNMODELLED_TABLE_PREFIXES)
    if type_ == "index":
        return name not in UNMODELLED_INDEXES
    return True


def render_item(type_, obj, autogen_context):
    """Write the shop's aware-UTC type as the plain DateTime it is stored as."""
    from bkm.database import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _db():
    return current_app.extensions["migrate"].db


def run_migrations_offline():
    context.configure(
        url=_db().engine.url.render_as_string(hide_password=False),
        target_metadata=_db().metadata,
        literal_binds=True,
        include_object=include_object,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("include_object", include_object)
    conf_args.setdefault("render_item", render_item)

    with _db().engine.connect() as connection, sqlite_foreign_keys_off(connection):
        context.configure(connection=connection, target_metadata=_db().metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


@contextmanager
def sqlite_foreign_keys_off(connection):
    """SQLite ALTERs are table rebuilds (copy, drop, rename): with foreign keys enforced,
    dropping the old table would cascade into every table that references it. Enforcement is
    off while migrating and the result is checked before it is turned back on. The pragma
    only works outside a transaction, so it is set before the migrations begin one."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        yield
        problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"migration left broken foreign keys: {problems[:5]}")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
