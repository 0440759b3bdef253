"""Logging in with a choice already made in this browser.

A visitor who answered the banner on the current terms and then logs in has given their
answer: it is recorded once more, now linked to their account (channel "login"), so they are
not asked twice. A browser with no choice, or one on older terms, leaves the account as it is;
the login gate then asks a customer who has not answered the current terms.
"""

from __future__ import annotations

from flask import g

from bkm.consent.recording import record_choice
from bkm.consent.state import latest_answer, work_out_state
from bkm.extensions import db


def link_choice_at_login(_app, user, **_extra) -> None:
    g.pop("consent_state", None)  # worked out before the login, for an anonymous visitor
    state = work_out_state()
    if state.choice is None:
        return
    answer = latest_answer(user.id)
    if answer and answer.policy_version >= state.policy.required_version:
        return
    record_choice(state, state.choice.granted, channel="login", user_id=user.id)
    db.session.commit()
    g.pop("consent_state", None)
