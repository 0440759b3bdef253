"""Reading what a response did to the browser, and posting the consent form."""

from __future__ import annotations

from http.cookies import SimpleCookie

from sqlalchemy import select

from bkm.consent.models import ConsentRecord
from bkm.extensions import db


def set_cookies(response) -> dict[str, dict]:
    """name -> {"value", "max_age", "expired", "httponly"} for every Set-Cookie header."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            max_age = morsel["max-age"]
            found[name] = {
                "value": morsel.value,
                "max_age": int(max_age) if max_age else None,
                "expired": max_age == "0" or "1970" in morsel["expires"],
                "httponly": bool(morsel["httponly"]),
            }
    return found


def choose(
    client,
    handling: str,
    *purposes: str,
    channel: str = "banner",
    json: bool = False,
    extra_headers: dict | None = None,
    **fields,
):
    """Press a button of the consent form the way the banner does (token from the settings page)."""
    data = {"handling": handling, "kanal": channel, "formaal": list(purposes), **fields}
    headers = {"Accept": "application/json"} if json else {}
    headers.update(extra_headers or {})
    return client.submit("/samtykke", data, form_url="/cookie-innstillinger", headers=headers)


def ledger() -> list[ConsentRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))


def banner_shown(response) -> bool:
    return 'data-testid="consent-banner"' in response.get_data(as_text=True)
