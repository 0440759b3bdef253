"""The interest profile's rules: weights, decay, forgetting, and who it applies to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, event
from sqlalchemy.exc import IntegrityError

from bkm.accounts.models import User
from bkm.clock import utcnow
from bkm.extensions import db
from bkm.personal import (
    forget,
    interests,
    note_product_view,
    note_purchase,
    personalisation_applies,
)
from bkm.personal.models import Interest
from bkm.personal.profile import _new_row, decayed
from tests.factories import make_customer, make_product
from tests.personal.conftest import product_in, profile


def test_a_view_adds_one_to_the_category_and_the_brand(tree, consenting):
    desk = product_in(tree.desks, brand="Kinnarps")
    note_product_view(consenting.id, desk)
    note_product_view(consenting.id, desk)
    assert profile(consenting) == pytest.approx(
        {("category", str(tree.desks.id)): 2.0, ("brand", "Kinnarps"): 2.0}, rel=1e-6
    )


def test_a_purchase_adds_five_per_line(tree, consenting):
    desk = product_in(tree.desks, brand="Kinnarps")
    other_desk = product_in(tree.desks, brand="EFG")
    note_purchase(consenting.id, [desk, other_desk])
    assert profile(consenting) == pytest.approx(
        {
            ("category", str(tree.desks.id)): 10.0,
            ("brand", "Kinnarps"): 5.0,
            ("brand", "EFG"): 5.0,
        },
        rel=1e-6,
    )


def test_scores_halve_every_thirty_days():
    now = utcnow()
    assert decayed(8.0, now - timedelta(days=30), now) == pytest.approx(4.0)
    assert decayed(8.0, now - timedelta(days=60), now) == pytest.approx(2.0)
    assert decayed(8.0, now, now) == 8.0
    assert decayed(8.0, now + timedelta(seconds=5), now) == 8.0  # a clock a bit ahead: no growth


def test_an_old_score_is_decayed_before_it_is_read_and_before_it_grows(tree, consenting):
    desk = product_in(tree.desks, brand="Kinnarps")
    month_ago = utcnow() - timedelta(days=30)
    db.session.add_all(
        [
            Interest(
                user_id=consenting.id,
                kind="category",
                key=str(tree.desks.id),
                score=4.0,
                updated_at=month_ago,
            ),
            Interest(
                user_id=consenting.id, kind="brand", key="HÅG", score=8.0, updated_at=month_ago
            ),
        ]
    )
    db.session.flush()

    read = {(i.kind, i.key): i.score for i in interests(consenting.id)}
    assert read == pytest.approx(
        {("brand", "HÅG"): 4.0, ("category", str(tree.desks.id)): 2.0}, rel=1e-3
    )

    note_product_view(consenting.id, desk)
    stored = profile(consenting)
    assert stored[("category", str(tree.desks.id))] == pytest.approx(3.0, rel=1e-3)
    assert stored[("brand", "HÅG")] == 8.0  # untouched rows keep their stored score and time
    strongest = interests(consenting.id)[0]
    assert (strongest.kind, strongest.key) == ("brand", "HÅG")


def test_faded_interests_no_longer_count(tree, consenting):
    db.session.add(
        Interest(
            user_id=consenting.id,
            kind="brand",
            key="Kinnarps",
            score=1.0,
            updated_at=utcnow() - timedelta(days=90),
        )
    )
    db.session.flush()
    assert interests(consenting.id) == []


def test_forget_deletes_only_that_customers_profile(tree, consenting):
    other = make_customer()
    desk = product_in(tree.desks)
    note_product_view(consenting.id, desk)
    note_product_view(other.id, desk)
    forget(consenting.id)
    assert profile(consenting) == {} and len(profile(other)) == 2


def test_a_second_insert_of_the_same_interest_adds_to_the_first(tree, consenting):
    """Two tabs at once: the loser of the unique (user, kind, key) uses the winner's row."""
    note_product_view(consenting.id, product_in(tree.desks, brand="Kinnarps"))
    db.session.commit()
    row = _new_row(consenting.id, "brand", "Kinnarps", utcnow())
    assert row.score == 1.0
    assert len(profile(consenting)) == 2


def test_the_kind_is_category_or_brand():
    customer = make_customer()
    with pytest.raises(IntegrityError):
        db.session.add(
            Interest(
                user_id=customer.id, kind="colour", key="Svart", score=1.0, updated_at=utcnow()
            )
        )
        db.session.flush()
    db.session.rollback()


def test_deleting_the_customer_deletes_the_profile(tree):
    customer = make_customer(password=None)  # no ledger row: nothing else points at them
    note_product_view(customer.id, product_in(tree.desks))
    db.session.commit()
    db.session.execute(delete(User).where(User.id == customer.id))
    db.session.commit()
    assert profile(customer) == {}


def test_anonymous_visitors_cost_no_query(app):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context("/"):
            assert personalisation_applies() is False
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []


def test_rules_take_products_without_a_brand(tree, consenting):
    note_product_view(consenting.id, make_product(category=tree.sofas, brand=""))
    assert profile(consenting) == {("category", str(tree.sofas.id)): 1.0}
