"""Fixtures for the statistics: today's figures are never reused between requests here, and
rollups read in this process (worker processes only see committed rows; test_workers.py
covers them)."""

from __future__ import annotations

import pytest

from analytics import reading


@pytest.fixture(autouse=True)
def fresh_live_figures(app, monkeypatch):
    monkeypatch.setitem(app.config, "ANALYTICS_LIVE_SECONDS", 0)
    monkeypatch.setitem(app.config, "ANALYTICS_ROLLUP_WORKERS", 1)
    reading.forget_live()
    yield
    reading.forget_live()
