"""What the current request may do: the consent state, worked out once per request.

Rules, in order:
- Only purposes the shop offers count (marketing only when Google Analytics is configured).
- The browser's choice counts when its cookie is valid and made on a version at least as new
  as the newest version that needs a new consent; otherwise the banner asks again.
- Global Privacy Control and Do Not Track refuse statistics and marketing, whatever the cookie.
- A logged-in person's personalisation follows their account's latest answer in the ledger
  (it is about their account, not this browser).
- A logged-in customer who has not answered the newest version that needs consent gets
  nothing optional until they do (R8.1), and is sent to the accept page (see gate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy import select

from bkm.consent.choice import Choice, decode_choice, refuses_tracking
from bkm.consent.models import ConsentRecord
from bkm.consent.policy import PolicySnapshot, snapshot
from bkm.consent.registry import (
    CHOICE_COOKIE,
    MARKETING,
    OWN_BOX_PURPOSES,
    PERSONALISATION,
    STATISTICS,
    Purpose,
    offered_purposes,
)
from bkm.extensions import db

TRACKING = frozenset({STATISTICS, MARKETING})


@dataclass(frozen=True)
class ConsentState:
    policy: PolicySnapshot
    offered: tuple[Purpose, ...]
    choice: Choice | None  # valid and current
    earlier_choice: Choice | None  # valid signature, made on an older version
    account_answer: ConsentRecord | None  # the logged-in person's latest ledger row
    tracking_refused: bool  # Sec-GPC or DNT
    needs_login_answer: bool  # a customer who must answer new terms first
    granted: frozenset[str]  # what this request may do

    @property
    def show_banner(self) -> bool:
        return self.choice is None

    @property
    def asks_again(self) -> bool:
        """The banner is back because the terms changed, not because this is a first visit."""
        return self.choice is None and (
            self.earlier_choice is not None or self.account_answer is not None
        )

    def allows(self, purpose: str) -> bool:
        return purpose in self.granted

    @property
    def offered_keys(self) -> frozenset[str]:
        return frozenset(p.key for p in self.offered)

    @property
    def consent_id(self) -> str | None:
        known = self.choice or self.earlier_choice
        return known.consent_id if known else None

    def previously_granted(self) -> frozenset[str]:
        """Everything this browser or account had given before (for withdrawals)."""
        given: set[str] = set()
        for choice in (self.choice, self.earlier_choice):
            if choice:
                given |= choice.granted
        if self.account_answer:
            given |= self.account_answer.granted_purposes
        return frozenset(given)

    def cache_key(self) -> str:
        """What a shared page may depend on: the banner, and the purposes in effect."""
        return f"consent:{int(self.show_banner)}:{','.join(sorted(self.granted))}"


def ledger_of(user_id: int) -> list[ConsentRecord]:
    """Every ledger row of the person, newest first: their consent history."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.id.desc())
        )
    )


def latest_answer(user_id: int) -> ConsentRecord | None:
    """The person's latest answer to the banner or the statement (not a newsletter box)."""
    return db.session.scalars(
        select(ConsentRecord)
        .where(
            ConsentRecord.user_id == user_id,
            ConsentRecord.granted.not_in(OWN_BOX_PURPOSES),
            ConsentRecord.refused.not_in(OWN_BOX_PURPOSES),
        )
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    ).first()


_FROM_COOKIE = object()


def work_out_state(stored: Choice | object | None = _FROM_COOKIE) -> ConsentState:
    """The state for this request, from the cookie, or from a choice just saved."""
    policy = snapshot()
    offered = offered_purposes(current_app.config)
    offered_keys = {p.key for p in offered}
    if stored is _FROM_COOKIE:
        stored = decode_choice(request.cookies.get(CHOICE_COOKIE))
    current = stored if stored and stored.policy_version >= policy.required_version else None
    earlier = stored if stored and current is None else None
    tracking_refused = refuses_tracking(request)

    granted = set(current.granted) if current else set()
    account_answer = None
    needs_login_answer = False
    if current_user.is_authenticated:
        account_answer = latest_answer(current_user.id)
        answered = account_answer and account_answer.policy_version >= policy.required_version
        granted.discard(PERSONALISATION)
        if answered and PERSONALISATION in account_answer.granted_purposes:
            granted.add(PERSONALISATION)
        needs_login_answer = current_user.role == "customer" and not answered
        if needs_login_answer:
            granted.clear()
    if tracking_refused:
        granted -= TRACKING
    return ConsentState(
        policy=policy,
        offered=offered,
        choice=current,
        earlier_choice=earlier,
        account_answer=account_answer,
        tracking_refused=tracking_refused,
        needs_login_answer=needs_login_answer,
        granted=frozenset(granted & offered_keys),
    )


def current_consent() -> ConsentState:
    """This request's consent state (worked out on first use, then kept in `g`)."""
    if "consent_state" not in g:
        g.consent_state = work_out_state()
    return g.consent_state


def replace_consent(state: ConsentState) -> None:
    """After a choice is saved, the rest of the request follows the new state."""
    g.consent_state = state


def consent_allows(purpose: str) -> bool:
    """The one check the rest of the shop makes before doing anything optional."""
    return current_consent().allows(purpose)
