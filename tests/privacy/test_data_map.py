"""The data map classifies every column; its ownership paths find one customer's rows only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bkm.extensions import db
from bkm.privacy.data_map import (
    BASES,
    BY_NAME,
    ERASE,
    ON_ERASURE,
    RETENTION,
    TABLES,
    is_not_personal,
)
from bkm.privacy.ownership import owned_rows
from tests.factories import make_case, make_customer, make_order, make_quote, ship_all


def test_every_table_is_either_mapped_or_declared_not_personal():
    tables = set(db.metadata.tables)
    unclassified = {t for t in tables if t not in BY_NAME and not is_not_personal(t)}
    assert not unclassified, f"add these tables to bkm/privacy/data_map.py: {sorted(unclassified)}"
    assert not {t for t in BY_NAME if is_not_personal(t)}, "a table is both personal and not"
    assert set(BY_NAME) <= tables, "the map names a table the models do not have"


@pytest.mark.parametrize("entry", TABLES, ids=lambda t: t.name)
def test_every_column_of_a_mapped_table_is_classified_once(entry):
    columns = {c.name for c in db.metadata.tables[entry.name].columns}
    personal, other = set(entry.personal), set(entry.other)
    assert not personal & other, f"{entry.name}: classified twice: {sorted(personal & other)}"
    assert personal | other == columns, (
        f"{entry.name}: unclassified {sorted(columns - personal - other)}, "
        f"unknown {sorted((personal | other) - columns)}"
    )


@pytest.mark.parametrize("entry", TABLES, ids=lambda t: t.name)
def test_every_classification_uses_known_terms(entry):
    assert entry.retention in RETENTION
    assert entry.on_erasure in ON_ERASURE
    for name, field in entry.personal.items():
        assert field.basis in BASES, f"{entry.name}.{name}"
        assert field.erase in ERASE, f"{entry.name}.{name}"
        assert field.what and field.purpose


@pytest.mark.req("R9.3")
def test_ownership_paths_find_one_customers_rows_and_nobody_elses(db):
    mine, theirs = make_customer(), make_customer()
    for person in (mine, theirs):
        order = make_order(person)
        ship_all(order)
        make_case(person, order=order)
        make_quote(person, message="Kan dere levere?")
    db.session.commit()

    for entry in TABLES:
        rows = db.session.execute(owned_rows(entry, mine)).mappings().all()
        others = db.session.execute(owned_rows(entry, theirs)).mappings().all()
        if rows or others:
            assert not {r[_key(entry)] for r in rows} & {r[_key(entry)] for r in others}, entry.name
    shipment_lines = db.session.execute(owned_rows(BY_NAME["shipment_lines"], mine)).all()
    mails = db.session.execute(owned_rows(BY_NAME["mail_outbox"], mine)).mappings().all()
    assert len(shipment_lines) == 1
    assert mails and {m["recipient"] for m in mails} == {mine.email}


def _key(entry) -> str:
    return db.metadata.tables[entry.name].primary_key.columns.keys()[0]


def test_clickstream_tables_are_not_personal():
    for name in db.metadata.tables:
        if name.startswith("click_"):
            assert is_not_personal(name)
            assert not any(
                fk.column.table.name == "users" for fk in db.metadata.tables[name].foreign_keys
            )
    assert sa  # the metadata is SQLAlchemy's
