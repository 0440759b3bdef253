"""Browser tests: Debian's chromium driven by Playwright against the app on a local port.

The app is the session `app` from tests/conftest.py, served by werkzeug in a thread; each test
makes its rows with tests/factories.py and commits them, and the autouse fixture there wipes
them afterwards. Every page a test opens is watched: a console error, an uncaught exception or
a request to any host but 127.0.0.1 fails the test.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from bkm.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    # On a developer's machine without chromium the browser tests skip; CI must run them
    # (`make test` installs chromium), so there a missing browser fails instead.
    missing = not Path(CHROMIUM).exists() and shutil.which("chromium") is None
    skip = missing and os.environ.get("CI") != "true"
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if skip:
                item.add_marker(
                    pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-base-url's fixture: page.goto("/") opens the live server."""
    return live_server


class PageWatch:
    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []

    def on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != "127.0.0.1":
            self.foreign_requests.append(request.url)


@pytest.fixture
def page_watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def page(page, page_watch):
    """pytest-playwright's page, watched for console errors and requests that leave 127.0.0.1."""
    page.on("console", page_watch.on_console)
    page.on("pageerror", lambda error: page_watch.page_errors.append(str(error)))
    page.on("request", page_watch.on_request)
    yield page
    assert page_watch.console_errors == [], "console errors"
    assert page_watch.page_errors == [], "uncaught page errors"
    assert page_watch.foreign_requests == [], "requests that left 127.0.0.1"


SVG_IMAGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 600" width="800" height="600">'
    '<rect width="800" height="600" fill="#eeebe5"/>'
    '<rect x="200" y="250" width="400" height="30" fill="#8a6d4b"/></svg>'
)


@pytest.fixture
def write_images(app):
    """Write a small SVG for each of a product's images into MEDIA_DIR, so no image 404s."""

    def _write(*products) -> None:
        media = Path(app.config["MEDIA_DIR"])
        for product in products:
            for image in product.images:
                path = media / image.filename
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(SVG_IMAGE, encoding="utf-8")

    return _write


@pytest.fixture
def commit():
    return db.session.commit


@pytest.fixture
def new_watched_page(new_context):
    """Open pages in fresh browser contexts (own cookies, e.g. a second person), each watched
    like `page`: console errors, uncaught exceptions and requests off 127.0.0.1 fail the test.
    Keyword arguments go to the context, e.g. `java_script_enabled=False`."""
    watches: list[PageWatch] = []

    def _open(**context_options):
        watch = PageWatch()
        page = new_context(**context_options).new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("request", watch.on_request)
        watches.append(watch)
        return page

    yield _open
    for watch in watches:
        assert watch.console_errors == [], "console errors"
        assert watch.page_errors == [], "uncaught page errors"
        assert watch.foreign_requests == [], "requests that left 127.0.0.1"
