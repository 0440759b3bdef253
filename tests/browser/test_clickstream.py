"""The clickstream in a real browser (R2.2, R6.1, R6.2).

A visitor with statistics consent leaves one visitor id and one visit id on every event,
server-side page views and the script's product clicks and time on page alike. A visitor who
refused, or whose browser sends Global Privacy Control, gets no script, sends nothing to
/collect and is only counted, without identifiers.

Three things about headless chromium shape this module:
- Its User-Agent says "HeadlessChrome", which the clickstream rightly takes for a bot (never in
  click_events). A context's `user_agent` does not reach the beacons a page sends while it
  unloads (the browser process sends them with the browser's own User-Agent), so the visitors
  here use a chromium launched with `--user-agent` set to the ordinary desktop Chrome one.
  A context's `extra_http_headers` does not reach those beacons either.
- Playwright never reports those beacons, so what reaches POST /collect is watched on the
  server (`collect_watch` wraps the app's WSGI callable) and in the page (`ATTEMPTS_SCRIPT`
  counts every sendBeacon/fetch to /collect in sessionStorage, which survives navigation).
- The last page is left with page.close(run_before_unload=True): chromium fires pagehide and
  sends its beacon; the tests wait for its row, so no beacon lands in the next test's tables.
"""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bkm.clickstream.models import ClickEvent, PageCount
from bkm.clickstream.recording import PAGE_VIEW_TYPES
from bkm.clickstream.visits import VISIT_COOKIE
from bkm.consent.registry import VISITOR_COOKIE
from bkm.extensions import db
from tests.browser.conftest import CHROMIUM_ARGS, PageWatch
from tests.browser.test_consent import choose_in_banner, cookies, ledger
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser

SCRIPT = "script[src$='/clickstream.js']"
MAX_SCRIPT_BYTES = 3000
LOCAL_PREFIX = "127.0.0.0"  # 127.0.0.1 truncated to /16
# Chromium's own Global Privacy Control: Sec-GPC: 1 on every request, beacons included, and
# navigator.globalPrivacyControl === true.
NATIVE_GPC = "--enable-features=GlobalPrivacyControl,GlobalPrivacyControlForce"

ATTEMPTS_KEY = "bkm-test-collect-attempts"
ATTEMPTS_SCRIPT = """(() => {
  const note = (url) => {
    if (new URL(url, location.href).pathname === "/collect") {
      const key = "ATTEMPTS_KEY";
      sessionStorage.setItem(key, String(Number(sessionStorage.getItem(key) || 0) + 1));
    }
  };
  const beacon = Navigator.prototype.sendBeacon;
  Navigator.prototype.sendBeacon = function (url, data) {
    note(url);
    return beacon.call(this, url, data);
  };
  const originalFetch = window.fetch;
  window.fetch = function (input, init) {
    note(input instanceof Request ? input.url : String(input));
    return originalFetch.call(this, input, init);
  };
})();""".replace("ATTEMPTS_KEY", ATTEMPTS_KEY)


# --- browsers, pages and watches --------------------------------------------------------------


@pytest.fixture(scope="session")
def desktop_user_agent(browser) -> str:
    """What this chromium says when it is not headless."""
    major = browser.version.split(".", 1)[0]
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )


def _launch(browser_type, launch_args, user_agent: str, *extra: str):
    return browser_type.launch(
        **{**launch_args, "args": [*CHROMIUM_ARGS, f"--user-agent={user_agent}", *extra]}
    )


@pytest.fixture(scope="module")
def desktop_chromium(browser_type, browser_type_launch_args, desktop_user_agent):
    launched = _launch(browser_type, browser_type_launch_args, desktop_user_agent)
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def gpc_chromium(browser_type, browser_type_launch_args, desktop_user_agent):
    launched = _launch(browser_type, browser_type_launch_args, desktop_user_agent, NATIVE_GPC)
    yield launched
    launched.close()


@pytest.fixture
def open_page(live_server):
    """A page in a fresh context of the given browser, watched like conftest's `page`, with
    its attempts to reach /collect counted (see `attempts`)."""
    contexts = []
    watches: list[PageWatch] = []

    def _open(browser, **context_options):
        context = browser.new_context(base_url=live_server, **context_options)
        context.add_init_script(ATTEMPTS_SCRIPT)
        contexts.append(context)
        watch = PageWatch()
        watches.append(watch)
        page = context.new_page()
        page.on("console", watch.on_console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("request", watch.on_request)
        return page

    yield _open
    for context in contexts:
        context.close()
    for watch in watches:
        assert watch.console_errors == [], "console errors"
        assert watch.page_errors == [], "uncaught page errors"
        assert watch.foreign_requests == [], "requests that left 127.0.0.1"


def attempts(page) -> int:
    """How many times the pages of this tab called sendBeacon or fetch for /collect, up to and
    including the pagehide of the page before this one."""
    return page.evaluate(f"Number(sessionStorage.getItem('{ATTEMPTS_KEY}') || 0)")


@dataclass
class CollectCall:
    body: bytes
    headers: dict[str, str]
    status: int | None = None  # None until the app has answered

    @property
    def events(self) -> list[dict]:
        return json.loads(self.body)["events"]


@dataclass
class CollectWatch:
    calls: list[CollectCall] = field(default_factory=list)

    def answered(self) -> list[CollectCall]:
        return [call for call in self.calls if call.status is not None]


@pytest.fixture
def collect_watch(app, monkeypatch) -> CollectWatch:
    """Every request that reaches POST /collect, with its body and the app's answer."""
    watch = CollectWatch()
    wsgi_app = app.wsgi_app

    def watching(environ, start_response):
        if environ.get("PATH_INFO") != "/collect":
            return wsgi_app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        call = CollectCall(body, headers)
        watch.calls.append(call)

        def answer(status, response_headers, exc_info=None):
            call.status = int(status.split(" ", 1)[0])
            return start_response(status, response_headers, exc_info)

        return wsgi_app(environ, answer)

    monkeypatch.setattr(app, "wsgi_app", watching)
    return watch


# --- the shop and the tables ------------------------------------------------------------------


@dataclass(frozen=True)
class Shop:
    category_path: str
    category_id: int
    products: list  # four chairs on the listing

    @staticmethod
    def path_of(product) -> str:
        return f"/produkt/{product.slug}"


@pytest.fixture
def shop(commit, write_images) -> Shop:
    chairs = make_category(slug="kontorstoler", name="Kontorstoler")
    products = [
        make_product(category=chairs, slug=f"kontorstol-{n}", title=f"Kontorstol {n}")
        for n in range(1, 5)
    ]
    write_images(*products)
    commit()
    return Shop("/kategori/kontorstoler", chairs.id, products)


def events() -> list[ClickEvent]:
    db.session.rollback()  # a fresh transaction: see what the live server committed
    return list(db.session.scalars(select(ClickEvent).order_by(ClickEvent.id)))


def page_counts() -> dict[str, PageCount]:
    db.session.rollback()
    return {row.path: row for row in db.session.scalars(select(PageCount))}


def wait_for_events(done, watch: CollectWatch, timeout: float = 10.0) -> list[ClickEvent]:
    """Poll click_events until `done(rows)` and every request to /collect has its answer (a
    row is committed just before its 204); after `timeout` the rows as they are, for the
    assertions to say what is missing."""
    deadline = time.monotonic() + timeout
    while True:
        rows = events()
        answered = all(call.status is not None for call in watch.calls)
        if (done(rows) and answered) or time.monotonic() > deadline:
            return rows
        time.sleep(0.02)


def time_on_page_paths(rows) -> set[str]:
    return {row.path for row in rows if row.type == "time_on_page"}


def click_product(page, product) -> None:
    """Click the product's link on the listing, as a shopper would."""
    page.locator(f"a[data-product-id='{product.id}']").click()
    expect(page).to_have_url(re.compile(re.escape(Shop.path_of(product)) + "$"))


# --- 1: a consenting visitor --------------------------------------------------------------------


@pytest.mark.req("R2.2")
@pytest.mark.req("R6.1")
def test_a_consenting_visit_is_recorded_under_one_visitor_and_one_visit(
    desktop_chromium, open_page, shop, collect_watch
):
    chosen, second, third, _never_seen = shop.products
    viewed = [chosen, second, third]
    page = open_page(desktop_chromium)
    page.goto("/")
    choose_in_banner(page, "consent-accept-all")
    visitor_id = cookies(page)[VISITOR_COOKIE]["value"]
    assert len(visitor_id) == 32

    page.goto(shop.category_path)
    expect(page.locator(SCRIPT)).to_have_count(1)  # included by the server from now on
    click_product(page, chosen)
    for product in (second, third):
        page.goto(Shop.path_of(product))
    assert attempts(page) >= 3, "the script sent nothing on leaving the listing and products"
    page.close(run_before_unload=True)  # pagehide: the last page's time goes by beacon

    left = {shop.category_path, *(Shop.path_of(p) for p in viewed)}
    rows = wait_for_events(lambda rows: left <= time_on_page_paths(rows), collect_watch)

    # The script's product click: that product, on the listing it was chosen from.
    clicks = [(row.product_id, row.path) for row in rows if row.type == "product_click"]
    assert clicks == [(chosen.id, shop.category_path)]
    # The server's page views, one row each (a product page's is its product_view): the
    # listing and the three products, in order.
    assert [row.path for row in rows if row.type in PAGE_VIEW_TYPES] == [
        shop.category_path,
        *(Shop.path_of(p) for p in viewed),
    ]
    assert [(row.product_id, row.path) for row in rows if row.type == "product_view"] == [
        (p.id, Shop.path_of(p)) for p in viewed
    ]
    assert [row.category_id for row in rows if row.type == "category_view"] == [shop.category_id]
    # Time on page for every page left (the front page's too, where consent was given).
    timed = [row for row in rows if row.type == "time_on_page"]
    assert left <= time_on_page_paths(timed) <= left | {"/"}
    assert all(row.duration_ms > 0 for row in timed), [(r.path, r.duration_ms) for r in timed]
    # One browser, one visit, nothing that names the person.
    assert {row.visitor_id for row in rows} == {visitor_id}
    visit_ids = {row.visit_id for row in rows}
    assert len(visit_ids) == 1 and len(next(iter(visit_ids))) == 32
    visit_cookie = {c["name"]: c["value"] for c in page.context.cookies()}[VISIT_COOKIE]
    assert visit_cookie.startswith(f"{next(iter(visit_ids))}.")
    assert {row.ip_prefix for row in rows} == {LOCAL_PREFIX}
    assert {(row.device, row.os, row.browser) for row in rows} == {("computer", "Linux", "Chrome")}

    # Before the choice the front page was counted without identifiers, and only then.
    counts = page_counts()
    assert {path: row.views for path, row in counts.items()} == {"/": 1}
    assert counts["/"].device == "computer"
    # Everything the script sent was accepted.
    assert collect_watch.calls and {c.status for c in collect_watch.calls} == {204}


# --- 2: a visitor who refused -------------------------------------------------------------------


@pytest.mark.req("R6.2")
def test_a_visitor_who_refused_is_counted_without_script_collect_or_events(
    desktop_chromium, open_page, shop, collect_watch
):
    chosen, second, _third, _fourth = shop.products
    page = open_page(desktop_chromium)
    seen_by_playwright = []
    page.on("request", lambda r: "/collect" in r.url and seen_by_playwright.append(r.url))
    page.goto("/")
    choose_in_banner(page, "consent-reject-all")
    expect(page.locator(SCRIPT)).to_have_count(0)

    page.goto(shop.category_path)
    expect(page.get_by_test_id("product-card")).to_have_count(4)
    expect(page.locator(SCRIPT)).to_have_count(0)
    click_product(page, chosen)
    expect(page.locator(SCRIPT)).to_have_count(0)
    page.goto(Shop.path_of(second))
    expect(page.locator(SCRIPT)).to_have_count(0)
    page.goto("/")
    expect(page.locator(SCRIPT)).to_have_count(0)
    assert attempts(page) == 0  # no page before this one tried to send, not even on pagehide
    page.close(run_before_unload=True)

    assert events() == []
    assert collect_watch.calls == []
    assert seen_by_playwright == []
    jar = {c["name"] for c in page.context.cookies()}
    assert VISITOR_COOKIE not in jar and VISIT_COOKIE not in jar
    # Their page views are counted: path, kind of page, product, device; nothing else.
    counts = page_counts()
    assert {path: row.views for path, row in counts.items()} == {
        "/": 2,
        shop.category_path: 1,
        Shop.path_of(chosen): 1,
        Shop.path_of(second): 1,
    }
    assert counts[Shop.path_of(chosen)].product_id == chosen.id
    assert counts[shop.category_path].category_id == shop.category_id
    assert {row.device for row in counts.values()} == {"computer"}
    columns = {column.name for column in PageCount.__table__.columns}
    assert not columns & {"visitor_id", "visit_id", "ip_prefix", "user_id"}


# --- 3: Global Privacy Control ----------------------------------------------------------------


GPC_SIGNALS = ["header", "chromium"]


def open_gpc_page(signal: str, open_page, desktop_chromium, gpc_chromium):
    """`header`: Sec-GPC on the context's requests (not on unload beacons, see the docstring);
    `chromium`: the browser's own GPC, on every request and in navigator."""
    if signal == "header":
        return open_page(desktop_chromium, extra_http_headers={"Sec-GPC": "1"})
    return open_page(gpc_chromium)


def assert_gpc_in_navigator(page, signal: str) -> None:
    """Only chromium's own GPC shows in navigator (the header alone does not)."""
    expected = True if signal == "chromium" else None
    assert page.evaluate("navigator.globalPrivacyControl") is expected


@pytest.mark.req("R6.2")
@pytest.mark.parametrize("signal", GPC_SIGNALS)
def test_global_privacy_control_outweighs_accept_all(
    signal, desktop_chromium, gpc_chromium, open_page, shop, collect_watch
):
    chosen, second, _third, _fourth = shop.products
    page = open_gpc_page(signal, open_page, desktop_chromium, gpc_chromium)
    page.goto("/")
    assert_gpc_in_navigator(page, signal)
    choose_in_banner(page, "consent-accept-all")
    assert [row.action for row in ledger()] == ["accept"]  # the choice is kept, GPC wins

    page.goto(shop.category_path)
    expect(page.locator(SCRIPT)).to_have_count(0)
    click_product(page, chosen)
    expect(page.locator(SCRIPT)).to_have_count(0)
    page.goto(Shop.path_of(second))
    expect(page.locator(SCRIPT)).to_have_count(0)
    attempts_after_the_banner_page = attempts(page)
    page.goto("/")
    expect(page.locator(SCRIPT)).to_have_count(0)
    # Nothing after the banner page tried to send (that page: see the test below).
    assert attempts(page) == attempts_after_the_banner_page
    page.close(run_before_unload=True)

    assert events() == []
    # Whatever reached /collect (the banner page's beacon, see below) was refused.
    assert all(call.status == 403 for call in collect_watch.answered())
    counts = page_counts()
    assert {path: row.views for path, row in counts.items()} == {
        "/": 2,
        shop.category_path: 1,
        Shop.path_of(chosen): 1,
        Shop.path_of(second): 1,
    }
    assert {row.device for row in counts.values()} == {"computer"}


@pytest.mark.req("R6.2")
@pytest.mark.parametrize("signal", GPC_SIGNALS)
def test_accepting_under_global_privacy_control_starts_no_script(
    signal, desktop_chromium, gpc_chromium, open_page, shop, collect_watch
):
    page = open_gpc_page(signal, open_page, desktop_chromium, gpc_chromium)
    page.goto(shop.category_path)
    assert_gpc_in_navigator(page, signal)
    choose_in_banner(page, "consent-accept-all")
    page.locator(f"a[data-product-id='{shop.products[0].id}']").click()
    expect(page).to_have_url(re.compile(re.escape(Shop.path_of(shop.products[0])) + "$"))
    assert attempts(page) == 0, "the banner page sent to /collect"
    page.close(run_before_unload=True)
    assert VISITOR_COOKIE not in {c["name"] for c in page.context.cookies()}


# --- 4: the script and what it sends ------------------------------------------------------------


def test_the_script_is_small_and_collect_answers_204_to_what_it_sends(
    desktop_chromium, open_page, shop, collect_watch, live_server
):
    chosen = shop.products[0]
    page = open_page(desktop_chromium)
    page.goto(shop.category_path)
    with page.expect_response(lambda r: r.url.endswith("/static/js/clickstream.js")) as loaded:
        choose_in_banner(page, "consent-accept-all")  # consent.js starts the script at once
    script = loaded.value
    assert script.status == 200
    assert "javascript" in script.headers["content-type"]
    size = len(script.body())
    assert 0 < size < MAX_SCRIPT_BYTES, f"clickstream.js is {size} bytes"

    click_product(page, chosen)  # the listing's pagehide: the product click and its time
    page.close(run_before_unload=True)  # the product page's time
    product_path = Shop.path_of(chosen)
    rows = wait_for_events(lambda rows: product_path in time_on_page_paths(rows), collect_watch)

    calls = collect_watch.calls
    sent = [event for call in calls for event in call.events]
    assert {(e["type"], e["path"]) for e in sent} == {
        ("product_click", shop.category_path),
        ("time_on_page", shop.category_path),
        ("time_on_page", product_path),
    }
    assert [call.status for call in calls] == [204] * len(calls)
    for call in calls:
        assert call.headers["content-type"] == "application/json"
        assert call.headers["origin"] == live_server  # the same-origin check's evidence
    # Each answered event is stored as it was sent.
    stored = {
        (row.type, row.path, row.product_id, row.duration_ms)
        for row in rows
        if row.type in {"product_click", "time_on_page"}
    }
    assert stored == {
        (e["type"], e["path"], e.get("product_id"), e.get("duration_ms")) for e in sent
    }
