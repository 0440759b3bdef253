"""Steps the browser tests share."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


def log_in(page, user) -> None:
    """Log in through the real form, as a person would, and wait for the welcome."""
    page.goto("/konto/logg-inn")
    page.get_by_label("E-post", exact=True).fill(user.email)
    page.get_by_label("Passord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text(f"Velkommen, {user.name}.")).to_be_visible()
