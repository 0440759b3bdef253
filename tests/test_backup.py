"""Backup and restore, for the engine the suite runs on (issue 9: proven by a script here)."""

from __future__ import annotations

import tarfile

import pytest
from flask_migrate import upgrade

from bkm import create_app
from bkm.backup import BackupError, make_backup, restore_backup
from bkm.catalog.models import Product
from bkm.extensions import db
from bkm.orders.models import Order
from tests.conftest import make_test_config
from tests.factories import make_customer, make_order, make_product


@pytest.fixture
def shop(empty_database_url, tmp_path):
    """A migrated shop of its own, so restoring cannot disturb the suite's database."""
    app = create_app(make_test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_backup_then_restore_brings_back_rows_and_images(shop, tmp_path):
    runner = shop.test_cli_runner()
    chair = make_product(title="Kontorstol med armlener")
    order = make_order(make_customer(), {chair: 1})
    db.session.commit()
    chair_id, order_id, number = chair.id, order.id, order.number
    media = tmp_path / "media"
    (media / "produkter").mkdir(parents=True, exist_ok=True)
    (media / "produkter" / "stol.svg").write_text("<svg/>")
    archive = tmp_path / "kopi" / "bkm.tar.gz"

    made = runner.invoke(args=["bkm", "backup", str(archive)])
    assert made.exit_code == 0, made.output
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "media/produkter/stol.svg"} <= names

    # Damage: a row changed, an order gone, an image lost.
    db.session.get(Product, chair_id).title = "Ødelagt"
    db.session.delete(db.session.get(Order, order_id))
    db.session.commit()
    (media / "produkter" / "stol.svg").unlink()

    refused = runner.invoke(args=["bkm", "restore", str(archive)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    restored = runner.invoke(args=["bkm", "restore", str(archive), "--yes"])

    assert restored.exit_code == 0, restored.output
    db.session.remove()
    assert db.session.get(Product, chair_id).title == "Kontorstol med armlener"
    assert db.session.get(Order, order_id).number == number
    assert (media / "produkter" / "stol.svg").read_text() == "<svg/>"


def test_restore_refuses_a_file_that_is_not_a_backup(shop, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="notes.txt")

    with pytest.raises(BackupError, match="ikke en sikkerhetskopi"):
        restore_backup(bogus)


def test_backup_manifest_records_engine_revision_and_counts(shop, tmp_path):
    make_customer()
    db.session.commit()

    manifest = make_backup(tmp_path / "a.tar.gz")

    assert manifest["engine"] in ("sqlite", "postgresql")
    assert manifest["revision"]
    assert manifest["row_counts"]["users"] == 1
