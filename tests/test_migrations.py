"""The migrations are the schema of record: they build exactly what the models describe."""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import check, downgrade, upgrade

from bkm import create_app
from bkm.extensions import db
from tests.conftest import make_test_config


@pytest.fixture
def empty_database_url(tmp_path):
    """A database nobody has touched, on the engine the suite runs on."""
    server_url = os.environ.get("BKM_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"bkm_migrations_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


def test_upgrade_from_empty_matches_models_and_downgrades_cleanly(empty_database_url, tmp_path):
    app = create_app(make_test_config(empty_database_url, tmp_path))
    with app.app_context():
        try:
            upgrade()
            check()  # exits non-zero if models and migrations disagree
            tables = set(sa.inspect(db.engine).get_table_names())
            assert {"products", "categories", "price_changes", "product_images", "users"} <= tables

            downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}

            upgrade()
            check()
        finally:
            db.engine.dispose()
