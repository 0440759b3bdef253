"""Personalisation fixtures: a slice of the demo catalogue's tree and a consenting customer."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bkm.clock import utcnow
from bkm.extensions import db
from bkm.personal.models import Interest
from tests.factories import make_category, make_consent_record, make_customer, make_product


@pytest.fixture
def tree(db):
    """Category slugs as in bkm/demo/catalogue_data.py, with a few of their children."""
    desks = make_category(slug="skrivebord", name="Skrivebord")
    chairs = make_category(slug="kontorstoler", name="Kontorstoler")
    lighting = make_category(slug="belysning", name="Belysning")
    found = SimpleNamespace(
        desks=desks,
        corner_desks=make_category(slug="hjornebord", name="Hjørnebord", parent_id=desks.id),
        chairs=chairs,
        ergonomic=make_category(
            slug="ergonomiske-stoler", name="Ergonomiske stoler", parent_id=chairs.id
        ),
        lighting=lighting,
        desk_lamps=make_category(
            slug="skrivebordslamper", name="Skrivebordslamper", parent_id=lighting.id
        ),
        sofas=make_category(slug="sofaer", name="Sofaer"),
    )
    db.session.commit()
    return found


@pytest.fixture
def consenting(db):
    """A customer whose latest answer grants personalisation."""
    customer = make_customer(name="Per Profil")
    make_consent_record(user=customer, granted=("personalisation",))
    db.session.commit()
    return customer


def product_in(category, *, days_old: float = 1, **fields):
    """A product listed `days_old` days ago (newer ones have smaller numbers)."""
    return make_product(category=category, at=utcnow() - timedelta(days=days_old), **fields)


def profile(user) -> dict[tuple[str, str], float]:
    """{(kind, key): stored score, to three decimals} straight from the database."""
    db.session.expire_all()
    rows = db.session.scalars(select(Interest).where(Interest.user_id == user.id))
    return {(row.kind, row.key): round(row.score, 3) for row in rows}
