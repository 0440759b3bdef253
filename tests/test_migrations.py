"""The migrations are the schema of record: they build exactly what the models describe."""

import sqlalchemy as sa
from flask_migrate import check, downgrade, upgrade

from bkm import create_app
from bkm.extensions import db
from tests.conftest import make_test_config


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
