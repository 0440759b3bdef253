"""Keeping the interest profile: what a product view and a purchase add, decay, forgetting.

Weights: a product view adds 1 to the product's category and to its brand; a purchase adds
5 to each per order line. Scores halve every 30 days (HALF_LIFE): a score is decayed to now
before anything is added to it, and whenever it is read. Interests that have faded below
MIN_SCORE (one view some two months ago) no longer count.

Nothing here commits, and nothing here checks consent: the views ask
`personalisation_applies()` first, and the caller's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bkm.catalog.models import Product
from bkm.clock import utcnow
from bkm.consent import consent_allows, on_withdrawal
from bkm.consent.recording import Withdrawal
from bkm.consent.registry import PERSONALISATION
from bkm.extensions import db
from bkm.personal.models import BRAND, CATEGORY, Interest

HALF_LIFE = timedelta(days=30)
VIEW_WEIGHT = 1.0
PURCHASE_WEIGHT = 5.0  # per order line
MIN_SCORE = 0.25


@dataclass(frozen=True)
class InterestScore:
    kind: str
    key: str
    score: float  # decayed to now


def personalisation_applies() -> bool:
    """Whether this request may read or grow a profile: a logged-in customer whose account
    has given personalisation consent. Anonymous visitors cost no query (the cached pages)."""
    return (
        current_user.is_authenticated
        and current_user.role == "customer"
        and consent_allows(PERSONALISATION)
    )


def decayed(score: float, since: datetime, now: datetime) -> float:
    age = max((now - since).total_seconds(), 0.0)
    return score * 0.5 ** (age / HALF_LIFE.total_seconds())


def _keys_of(product: Product) -> list[tuple[str, str]]:
    keys = [(CATEGORY, str(product.category_id))]
    if product.brand:
        keys.append((BRAND, product.brand))
    return keys


def note_product_view(user_id: int, product: Product) -> None:
    _add(user_id, dict.fromkeys(_keys_of(product), VIEW_WEIGHT))


def note_purchase(user_id: int, products: Iterable[Product]) -> None:
    """One order's products, one per order line."""
    weights: dict[tuple[str, str], float] = {}
    for product in products:
        for key in _keys_of(product):
            weights[key] = weights.get(key, 0.0) + PURCHASE_WEIGHT
    _add(user_id, weights)


def _add(user_id: int, weights: dict[tuple[str, str], float]) -> None:
    if not weights:
        return
    now = utcnow()
    rows = _rows(user_id, {key for _kind, key in weights})
    for (kind, key), weight in weights.items():
        row = rows.get((kind, key)) or _new_row(user_id, kind, key, now)
        row.score = decayed(row.score, row.updated_at, now) + weight
        row.updated_at = now
    db.session.flush()


def _rows(user_id: int, keys: set[str]) -> dict[tuple[str, str], Interest]:
    found = db.session.scalars(
        select(Interest).where(Interest.user_id == user_id, Interest.key.in_(keys))
    )
    return {(row.kind, row.key): row for row in found}


def _new_row(user_id: int, kind: str, key: str, now: datetime) -> Interest:
    """A row at zero. Two tabs adding the same new interest at once both find none; the
    unique (user, kind, key) lets one insert win, and the other adds to the winner's row."""
    try:
        with db.session.begin_nested():
            row = Interest(user_id=user_id, kind=kind, key=key, score=0.0, updated_at=now)
            db.session.add(row)
    except IntegrityError:
        row = _rows(user_id, {key}).get((kind, key))
        if row is None:
            raise
    return row


def interests(user_id: int) -> list[InterestScore]:
    """The customer's interests that still count, strongest first, decayed to now."""
    now = utcnow()
    rows = db.session.execute(
        select(Interest.kind, Interest.key, Interest.score, Interest.updated_at).where(
            Interest.user_id == user_id
        )
    )
    scored = [
        InterestScore(kind, key, decayed(score, updated_at, now))
        for kind, key, score, updated_at in rows
    ]
    return sorted(
        (interest for interest in scored if interest.score >= MIN_SCORE),
        key=lambda interest: (-interest.score, interest.kind, interest.key),
    )


def forget(user_id: int) -> None:
    """Delete the customer's whole profile. Does not commit."""
    db.session.execute(delete(Interest).where(Interest.user_id == user_id))


@on_withdrawal(PERSONALISATION)
def _forget_on_withdrawal(withdrawal: Withdrawal) -> None:
    """R3.6: the profile goes in the same transaction as the ledger row that refuses it.
    A choice made logged out names no account, and the account's own answer still stands."""
    if withdrawal.user_id is not None:
        forget(withdrawal.user_id)
