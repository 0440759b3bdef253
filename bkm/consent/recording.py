"""Saving a choice: the ledger row, the cookies, and deleting what a refusal takes away.

Withdrawing a purpose must delete the data stored because of it (R3.6). The packages that
store such data register a handler for their purpose with `on_withdrawal`; every saved choice
runs the handlers of each purpose it refuses, in the same transaction as the ledger row.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flask import Response, current_app, g, request

from bkm.consent.choice import Choice, encode_choice, new_consent_id
from bkm.consent.models import ConsentRecord
from bkm.consent.policy import text_digest
from bkm.consent.registry import (
    CHOICE_COOKIE,
    CHOICE_LIFETIME,
    COOKIES,
    NECESSARY,
    STATISTICS,
    VISITOR_COOKIE,
)
from bkm.consent.state import ConsentState
from bkm.extensions import db


@dataclass(frozen=True)
class Withdrawal:
    purpose: str
    user_id: int | None  # the logged-in person, if any
    consent_id: str
    cookies: Mapping[str, str]  # the request's cookies, e.g. the statistics visitor id


_HANDLERS: dict[str, list[Callable[[Withdrawal], None]]] = {}


def on_withdrawal(purpose: str):
    """Register a function that deletes what was stored because of `purpose`."""

    def register(handler: Callable[[Withdrawal], None]):
        _HANDLERS.setdefault(purpose, []).append(handler)
        return handler

    return register


def classify(granted: frozenset[str], offered: frozenset[str], before: frozenset[str]) -> str:
    if before - granted:
        return "withdraw"
    if granted == offered:
        return "accept"
    return "custom" if granted else "reject"


def record_choice(
    state: ConsentState, wanted: Iterable[str], *, channel: str, user_id: int | None
) -> tuple[Choice, ConsentRecord]:
    """Append the choice to the ledger and run the withdrawals it implies; the caller commits."""
    offered = state.offered_keys
    granted = frozenset(wanted) & offered
    refused = offered - granted
    consent_id = state.consent_id or new_consent_id()
    record = ConsentRecord(
        consent_id=consent_id,
        action=classify(granted, offered, state.previously_granted() & offered),
        granted=",".join(sorted(granted)),
        refused=",".join(sorted(refused)),
        policy_version=state.policy.version,
        text_digest=text_digest(state.policy),
        channel=channel,
        user_id=user_id,
    )
    db.session.add(record)
    for purpose in sorted(refused):
        for handler in _HANDLERS.get(purpose, ()):
            handler(Withdrawal(purpose, user_id, consent_id, dict(request.cookies)))
    db.session.flush()
    choice = Choice(consent_id=consent_id, granted=granted, policy_version=state.policy.version)
    return choice, record


def _cookie_options() -> dict:
    return {
        "httponly": True,
        "samesite": "Lax",
        "secure": bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        "path": "/",
    }


def store_choice(response: Response, choice: Choice) -> None:
    response.set_cookie(
        CHOICE_COOKIE,
        encode_choice(choice),
        max_age=int(CHOICE_LIFETIME.total_seconds()),
        **_cookie_options(),
    )


def sync_cookies(response: Response, state: ConsentState) -> None:
    """Make the browser's cookies match the consent in effect.

    Expires (from the server, so HttpOnly ones too) every declared cookie whose purpose is not
    given, and gives a browser with statistics consent its visitor id (R3.11).
    """
    being_set = {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}
    for name in request.cookies:
        declaration = next((c for c in COOKIES if c.matches(name)), None)
        if declaration is None or declaration.purpose == NECESSARY or name in being_set:
            continue
        if not state.allows(declaration.purpose):
            _expire(response, name, third_party=declaration.set_by != "Brukte Kontormøbler AS")
    if (
        state.allows(STATISTICS)
        and VISITOR_COOKIE not in request.cookies
        and VISITOR_COOKIE not in being_set
    ):
        visitor_id = secrets.token_hex(16)
        g.new_visitor_id = visitor_id  # the clickstream records this response with it
        response.set_cookie(
            VISITOR_COOKIE,
            visitor_id,
            max_age=int(CHOICE_LIFETIME.total_seconds()),
            **_cookie_options(),
        )


def _expire(response: Response, name: str, *, third_party: bool) -> None:
    options = _cookie_options()
    response.delete_cookie(name, path="/", secure=options["secure"], samesite="Lax")
    if third_party:
        # Google's script sets its cookies on the registrable domain (".example.no").
        host = request.host.split(":", 1)[0]
        domain = host.removeprefix("www.")
        if "." in domain:
            response.delete_cookie(name, path="/", domain=domain, secure=options["secure"])
