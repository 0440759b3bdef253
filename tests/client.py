"""A test client that keeps CSRF on and gives every request its own app context."""

from __future__ import annotations

import contextvars
import re

from flask.testing import FlaskClient

CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


class ShopClient(FlaskClient):
    def open(self, *args, **kwargs):
        # The test body holds an app context for its factories; running the request in an
        # empty contextvars context makes Flask push a fresh one, with its own db session and
        # `g`, exactly as in production.
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self, form_url: str) -> str:
        page = self.get(form_url)
        match = CSRF_INPUT.search(page.get_data(as_text=True))
        if match is None:
            raise AssertionError(f"no csrf_token field on {form_url} ({page.status})")
        return match.group(1) or match.group(2)

    def submit(self, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
        """POST a form the way a browser would: with the token from the page that shows it."""
        fields = dict(data or {})
        fields.setdefault("csrf_token", self.csrf_token(form_url or url))
        return self.post(url, data=fields, **kwargs)

    def has_chosen(self, *granted: str) -> ShopClient:
        """Make this browser one that has answered the cookie banner on the terms in force
        (granting `granted`), as a returning visitor has: no banner, no CSRF form on pages."""
        from bkm.consent.choice import Choice, encode_choice, new_consent_id
        from bkm.consent.policy import current_version

        choice = Choice(new_consent_id(), frozenset(granted), current_version().version)
        self.set_cookie("bkm_samtykke", encode_choice(choice))
        return self
