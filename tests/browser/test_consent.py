"""The consent banner and cookie settings in a real browser, with and without JavaScript.

Nothing optional is stored before the visitor says yes; "Avslå alle", "Godta alle" and
"Tilpass" are equal buttons of one form, saved without a reload when JavaScript runs and by
plain form posts (303) when it does not; the footer's "Cookie-innstillinger" takes a choice
back in two clicks, and the server expires what it took away. Every choice is a ledger row.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bkm.consent import registry
from bkm.consent.models import ConsentRecord
from bkm.extensions import db
from bkm.orders.models import Order
from tests.browser.test_purchase_flow import BUYER, CHAIR_PRICE, DESK_PRICE, shop_as_guest
from tests.factories import make_category, make_product

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 800}
STATISTICS_COOKIE = registry.VISITOR_COOKIE
CHOICE_COOKIE = registry.CHOICE_COOKIE
BUTTONS = ("consent-accept-all", "consent-reject-all", "consent-customize")
MARKER = "window.__bkmSamePage"  # set before a click; still there when the page never reloaded


@pytest.fixture
def shop(commit, write_images):
    chairs = make_category(slug="kontorstoler", name="Kontorstoler")
    chair = make_product(
        category=chairs,
        slug="hag-capisco",
        title="Håg Capisco stol",
        price_ore=CHAIR_PRICE,
        stock_quantity=3,
    )
    desk = make_product(slug="skrivebord-bjork", title="Skrivebord bjørk", price_ore=DESK_PRICE)
    write_images(chair, desk)
    commit()
    return chair, desk


@pytest.fixture
def offered(app) -> frozenset[str]:
    """The purposes this shop asks about (marketing only when Google Analytics is set)."""
    return frozenset(p.key for p in registry.offered_purposes(app.config))


@pytest.fixture
def no_script_page(new_watched_page):
    """A page in a fresh context with JavaScript off, watched like `page`."""
    return lambda: new_watched_page(java_script_enabled=False)


# --- helpers ------------------------------------------------------------------------------


def cookies(page) -> dict[str, dict]:
    return {cookie["name"]: cookie for cookie in page.context.cookies()}


def assert_only_necessary_cookies(page) -> None:
    for name in cookies(page):
        declaration = registry.declaration_of(name)
        assert declaration is not None, f"cookie {name} is not in the registry"
        assert declaration.purpose == registry.NECESSARY, f"{name} is {declaration.purpose}"


def ledger() -> list[ConsentRecord]:
    db.session.rollback()  # a fresh transaction: see what the live server committed
    return list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))


def assert_ledger(actions: list[tuple[str, str, frozenset[str]]], offered) -> None:
    """The ledger holds exactly these (action, channel, granted) rows, none tied to a user."""
    rows = ledger()
    assert [(r.action, r.channel, r.granted_purposes) for r in rows] == actions
    for row in rows:
        assert row.user_id is None
        assert row.refused_purposes == offered - row.granted_purposes
        assert row.policy_version >= 1
    assert len({row.consent_id for row in rows}) == 1, "one browser, one consent id"


def banner(page):
    return page.get_by_test_id("consent-banner")


def mark_page(page) -> None:
    page.evaluate(f"{MARKER} = true")


def assert_not_reloaded(page) -> None:
    assert page.evaluate(f"{MARKER} === true"), "the page reloaded"


def choose_in_banner(page, button: str) -> None:
    """Click one of the banner's buttons with JavaScript: saved by fetch, banner removed."""
    mark_page(page)
    with page.expect_response(
        lambda r: urlpath(r.url) == "/samtykke" and r.request.method == "POST"
    ) as answer:
        banner(page).get_by_test_id(button).click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"].startswith("application/json")
    expect(banner(page)).to_have_count(0)
    expect(page.get_by_test_id("consent-saved")).to_contain_text("Valget ditt er lagret")
    assert_not_reloaded(page)


def post_form(page, locator):
    """Click a submit button without JavaScript: the form posts, the server answers 303 and
    the browser has loaded the page it was sent to."""
    with page.expect_response(
        lambda r: urlpath(r.url) == "/samtykke" and r.request.method == "POST"
    ) as answer:
        locator.click()
    response = answer.value
    assert response.status == 303, response.status
    page.wait_for_url(urljoin(response.url, response.headers["location"]))
    return response


def urlpath(url: str) -> str:
    return urlsplit(url).path


def statistics_cookie_expired_by(response) -> bool:
    """The response's Set-Cookie expires the statistics cookie (the server deleted it)."""
    for header in response.headers_array():
        if header["name"].lower() != "set-cookie":
            continue
        name, _, rest = header["value"].partition("=")
        if name == STATISTICS_COOKIE and rest.split(";", 1)[0] in ("", '""'):
            return "Max-Age=0" in rest or "1970" in rest
    return False


# --- 1–5: with JavaScript ---------------------------------------------------------------------


@pytest.mark.req("R3.1")
def test_first_visit_shows_the_banner_and_sets_only_necessary_cookies(page, shop, offered):
    chair, _desk = shop
    page.set_viewport_size(DESKTOP)
    page.goto("/")

    expect(banner(page)).to_be_visible()
    for button in BUTTONS:
        expect(banner(page).get_by_test_id(button)).to_be_visible()
    # Nothing is ticked in advance, and the switches wait for "Tilpass".
    for key in offered:
        switch = banner(page).get_by_test_id(f"consent-purpose-{key}")
        expect(switch).to_be_hidden()
        expect(switch).not_to_be_checked()
    expect(banner(page).get_by_test_id("consent-save")).to_be_hidden()
    assert_only_necessary_cookies(page)

    # Browsing on is no consent: the banner asks on every page, still nothing optional.
    page.goto("/kategori/kontorstoler")
    expect(banner(page)).to_be_visible()
    page.goto(f"/produkt/{chair.slug}")
    expect(banner(page)).to_be_visible()
    assert_only_necessary_cookies(page)
    assert STATISTICS_COOKIE not in cookies(page)
    assert ledger() == []


@pytest.mark.req("R3.1")
def test_reject_all_hides_the_banner_without_reload_and_stores_nothing_optional(
    page, shop, offered
):
    page.goto("/kategori/kontorstoler")

    choose_in_banner(page, "consent-reject-all")

    assert STATISTICS_COOKIE not in cookies(page)
    assert CHOICE_COOKIE in cookies(page)
    assert_only_necessary_cookies(page)
    assert_ledger([("reject", "banner", frozenset())], offered)

    # The next page remembers the answer: no banner, still nothing optional.
    page.get_by_role("link", name="Håg Capisco stol").first.click()
    expect(page).to_have_url(re.compile(r"/produkt/hag-capisco$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Håg Capisco stol")
    expect(banner(page)).to_have_count(0)
    assert STATISTICS_COOKIE not in cookies(page)
    assert_only_necessary_cookies(page)
    assert len(ledger()) == 1


@pytest.mark.req("R3.1")
@pytest.mark.req("R3.11")
def test_accept_all_sets_a_persistent_httponly_statistics_cookie(page, page_watch, shop, offered):
    page.goto("/")

    before = time.time()
    choose_in_banner(page, "consent-accept-all")

    jar = cookies(page)
    assert STATISTICS_COOKIE in jar
    visitor = jar[STATISTICS_COOKIE]
    assert registry.declaration_of(STATISTICS_COOKIE).purpose == registry.STATISTICS
    assert visitor["httpOnly"] is True
    assert STATISTICS_COOKIE not in page.evaluate("document.cookie")  # out of scripts' reach
    assert visitor["sameSite"] == "Lax"
    # Kept for about 12 months, like the choice itself (R3.11).
    lifetime = registry.CHOICE_LIFETIME.total_seconds()
    for name in (STATISTICS_COOKIE, CHOICE_COOKIE):
        assert before + lifetime - 60 <= jar[name]["expires"] <= time.time() + lifetime + 60, name
    assert_ledger([("accept", "banner", offered)], offered)

    # A later visit in the same browser sends the same visitor id and gets no new one.
    later = page.context.new_page()
    later.on("console", page_watch.on_console)
    later.on("pageerror", lambda error: page_watch.page_errors.append(str(error)))
    later.on("request", page_watch.on_request)
    with later.expect_response(lambda r: urlpath(r.url) == "/kategori/kontorstoler") as visit:
        later.goto("/kategori/kontorstoler")
    sent = visit.value.request.header_value("cookie") or ""
    assert f"{STATISTICS_COOKIE}={visitor['value']}" in sent
    assert not any(
        h["value"].startswith(f"{STATISTICS_COOKIE}=")
        for h in visit.value.headers_array()
        if h["name"].lower() == "set-cookie"
    )
    expect(banner(later)).to_have_count(0)
    assert cookies(later)[STATISTICS_COOKIE]["value"] == visitor["value"]
    assert len(ledger()) == 1


@pytest.mark.req("R3.1")
def test_footer_link_withdraws_statistics_in_two_clicks_and_the_server_expires_the_cookie(
    page, shop, offered
):
    page.goto("/kategori/kontorstoler")
    choose_in_banner(page, "consent-accept-all")
    assert STATISTICS_COOKIE in cookies(page)

    # Click 1: the footer link opens the settings with the switches open, showing the choice.
    page.get_by_test_id("cookie-settings-link").click()
    expect(page).to_have_url(re.compile(r"/cookie-innstillinger$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cookie-innstillinger")
    expect(banner(page)).to_have_count(0)
    for key in offered:
        expect(page.get_by_test_id(f"consent-purpose-{key}")).to_be_checked()

    # Click 2: "Avslå alle". The statistics cookie is HttpOnly: only the server can expire it.
    response = post_form(page, page.get_by_test_id("consent-reject-all"))
    assert statistics_cookie_expired_by(response)
    expect(page.get_by_text("Valget ditt er lagret")).to_be_visible()
    assert STATISTICS_COOKIE not in cookies(page)
    assert_only_necessary_cookies(page)
    assert_ledger([("accept", "banner", offered), ("withdraw", "settings", frozenset())], offered)


@pytest.mark.req("R3.1")
def test_withdrawing_only_statistics_with_the_switch_keeps_the_rest(page, shop, offered):
    page.goto("/")
    choose_in_banner(page, "consent-accept-all")

    page.get_by_test_id("cookie-settings-link").click()
    expect(page).to_have_url(re.compile(r"/cookie-innstillinger$"))
    page.get_by_test_id("consent-purpose-statistics").uncheck()
    response = post_form(page, page.get_by_test_id("consent-save"))

    assert statistics_cookie_expired_by(response)
    assert STATISTICS_COOKIE not in cookies(page)
    assert_ledger(
        [("accept", "banner", offered), ("withdraw", "settings", offered - {"statistics"})],
        offered,
    )
    # The settings page shows what is in effect now.
    page.get_by_test_id("cookie-settings-link").click()
    expect(page.get_by_test_id("consent-purpose-statistics")).not_to_be_checked()


def test_customize_reveals_unticked_switches_and_saves_only_statistics(page, shop, offered):
    page.goto("/")
    form = banner(page)
    mark_page(page)

    form.get_by_test_id("consent-customize").click()
    switches = form.get_by_role("switch")
    expect(switches).to_have_count(len(offered))
    for key in offered:
        switch = form.get_by_test_id(f"consent-purpose-{key}")
        expect(switch).to_be_visible()
        expect(switch).not_to_be_checked()
    expect(switches.first).to_be_focused()
    expect(form.get_by_test_id("consent-customize")).to_be_hidden()
    expect(form.get_by_test_id("consent-save")).to_be_visible()
    assert_not_reloaded(page)
    assert ledger() == []

    form.get_by_test_id("consent-purpose-statistics").check()
    choose_in_banner(page, "consent-save")

    assert_ledger([("custom", "banner", frozenset({"statistics"}))], offered)
    assert STATISTICS_COOKIE in cookies(page)
    page.reload()
    expect(banner(page)).to_have_count(0)


# --- 6: without JavaScript --------------------------------------------------------------------


def test_without_javascript_reject_all_is_a_form_post(no_script_page, shop, offered):
    page = no_script_page()
    page.goto("/kategori/kontorstoler")
    expect(banner(page)).to_be_visible()

    post_form(page, banner(page).get_by_test_id("consent-reject-all"))

    expect(page).to_have_url(re.compile(r"/kategori/kontorstoler$"))  # back where it was
    expect(page.get_by_text("Valget ditt er lagret")).to_be_visible()
    expect(banner(page)).to_have_count(0)
    assert STATISTICS_COOKIE not in cookies(page)
    assert_only_necessary_cookies(page)
    assert_ledger([("reject", "banner", frozenset())], offered)
    page.goto("/")
    expect(banner(page)).to_have_count(0)


def test_without_javascript_accept_all_then_withdraw_in_settings(no_script_page, shop, offered):
    page = no_script_page()
    page.goto("/")

    post_form(page, banner(page).get_by_test_id("consent-accept-all"))
    expect(banner(page)).to_have_count(0)
    assert cookies(page)[STATISTICS_COOKIE]["httpOnly"] is True
    assert_ledger([("accept", "banner", offered)], offered)

    page.get_by_test_id("cookie-settings-link").click()
    expect(page).to_have_url(re.compile(r"/cookie-innstillinger$"))
    page.get_by_test_id("consent-purpose-statistics").uncheck()
    response = post_form(page, page.get_by_test_id("consent-save"))

    assert statistics_cookie_expired_by(response)
    expect(page.get_by_text("Valget ditt er lagret")).to_be_visible()
    assert STATISTICS_COOKIE not in cookies(page)
    assert_ledger(
        [("accept", "banner", offered), ("withdraw", "settings", offered - {"statistics"})],
        offered,
    )


def test_without_javascript_customize_goes_to_the_settings_page(no_script_page, shop, offered):
    page = no_script_page()
    page.goto("/kategori/kontorstoler")

    post_form(page, banner(page).get_by_test_id("consent-customize"))
    expect(page).to_have_url(
        re.compile(r"/cookie-innstillinger\?neste=(/|%2F)kategori(/|%2F)kontorstoler$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Cookie-innstillinger")
    expect(banner(page)).to_have_count(0)
    assert ledger() == []  # "Tilpass" alone is no choice
    for key in offered:
        switch = page.get_by_test_id(f"consent-purpose-{key}")
        expect(switch).to_be_visible()
        expect(switch).not_to_be_checked()

    page.get_by_test_id("consent-purpose-statistics").check()
    post_form(page, page.get_by_test_id("consent-save"))

    expect(page).to_have_url(re.compile(r"/kategori/kontorstoler$"))
    expect(page.get_by_text("Valget ditt er lagret")).to_be_visible()
    expect(banner(page)).to_have_count(0)
    assert STATISTICS_COOKIE in cookies(page)
    assert_ledger([("custom", "settings", frozenset({"statistics"}))], offered)


# --- 7–8: equal buttons, keyboard -------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_three_choices_are_equal_buttons(page, shop, viewport):
    page.set_viewport_size(viewport)
    page.goto("/")

    buttons = [banner(page).get_by_test_id(button) for button in BUTTONS]
    for button in buttons:
        expect(button).to_be_visible()
        expect(button).to_be_in_viewport()
    boxes = [button.bounding_box() for button in buttons]
    widths = [box["width"] for box in boxes]
    heights = [box["height"] for box in boxes]
    assert max(widths) - min(widths) <= 1, widths
    assert max(heights) - min(heights) <= 1, heights
    assert min(widths) >= 44 and min(heights) >= 44, boxes  # a comfortable target
    looks = [
        button.evaluate(
            """element => {
                const style = getComputedStyle(element);
                return [element.tagName, element.type, element.className,
                        style.backgroundColor, style.color, style.borderColor,
                        style.fontSize, style.fontWeight];
            }"""
        )
        for button in buttons
    ]
    assert looks[0][0] == "BUTTON"
    assert looks.count(looks[0]) == 3, looks
    viewport_width = page.viewport_size["width"]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= viewport_width for box in boxes)


FOCUSED = """() => {
    const element = document.activeElement;
    return {
        testid: element.getAttribute("data-testid"),
        inBanner: !!element.closest("[data-testid=consent-banner]"),
        inMain: !!element.closest("main"),
    };
}"""


def test_keyboard_reaches_the_banner_first_without_a_focus_trap(page, shop, offered):
    page.set_viewport_size(DESKTOP)
    page.goto("/kategori/kontorstoler")

    # The banner is part of the page, not a modal: nothing is dialog, modal or inert.
    expect(page.locator("[role=dialog], [role=alertdialog], dialog, [aria-modal]")).to_have_count(0)
    expect(page.locator("[inert]")).to_have_count(0)

    # Tab from the top: the banner's buttons, then the skip link, then the rest of the page.
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        order.append(page.evaluate(FOCUSED))
        if order[-1]["inMain"]:
            break
    testids = [step["testid"] for step in order]
    assert set(BUTTONS) <= set(testids), testids
    positions = [testids.index(button) for button in BUTTONS]
    assert positions == sorted(positions), testids  # in reading order
    assert testids.index("skip-link") == positions[-1] + 1, testids
    assert all(step["inBanner"] for step in order[: positions[-1] + 1]), order
    assert not any(step["inBanner"] for step in order[positions[-1] + 1 :]), order
    assert order[-1]["inMain"], "Tab never left the banner and header"

    # Back to "Avslå alle" with Shift+Tab, and Enter chooses it.
    reject = banner(page).get_by_test_id("consent-reject-all")
    for _ in order:
        if reject.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Shift+Tab")
    expect(reject).to_be_focused()
    mark_page(page)
    page.keyboard.press("Enter")
    expect(banner(page)).to_have_count(0)
    expect(page.get_by_test_id("consent-saved")).to_be_visible()
    expect(page.locator("main#innhold")).to_be_focused()  # focus is not lost with the banner
    assert_not_reloaded(page)
    assert_ledger([("reject", "banner", frozenset())], offered)


def test_enter_in_a_switch_saves_what_is_ticked_never_accept_all(page, shop, offered):
    """Enter in a form presses its first submit button; that must not be "Godta alle"."""
    page.goto("/")
    form = banner(page)
    form.get_by_test_id("consent-customize").click()
    statistics = form.get_by_test_id("consent-purpose-statistics")
    statistics.focus()
    page.keyboard.press("Space")
    expect(statistics).to_be_checked()

    mark_page(page)
    with page.expect_response(lambda r: urlpath(r.url) == "/samtykke"):
        page.keyboard.press("Enter")
    expect(banner(page)).to_have_count(0)
    assert_not_reloaded(page)
    assert_ledger([("custom", "banner", frozenset({"statistics"}))], offered)


def test_without_javascript_enter_in_a_switch_saves_what_is_ticked(no_script_page, shop, offered):
    page = no_script_page()
    page.goto("/cookie-innstillinger")
    statistics = page.get_by_test_id("consent-purpose-statistics")
    statistics.focus()
    page.keyboard.press("Space")
    expect(statistics).to_be_checked()

    with page.expect_response(lambda r: urlpath(r.url) == "/samtykke") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 303
    expect(page.get_by_text("Valget ditt er lagret")).to_be_visible()
    assert_ledger([("custom", "settings", frozenset({"statistics"}))], offered)


# --- 9: shopping after saying no to everything --------------------------------------------------


@pytest.mark.req("R3.12")
def test_a_visitor_who_refused_everything_can_browse_search_and_buy(page, shop, offered):
    chair, desk = shop
    page.goto("/")
    choose_in_banner(page, "consent-reject-all")

    categories = page.get_by_role("banner").get_by_role("navigation", name="Kategorier")
    categories.get_by_role("link", name="Kontorstoler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontorstoler")
    expect(page.get_by_test_id("product-card")).to_contain_text(chair.title)

    search = page.get_by_test_id("site-search")
    search.get_by_label("Søk etter varer").fill("bjørk")
    search.get_by_role("button", name="Søk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Søkeresultater for «bjørk»")
    expect(page.get_by_test_id("product-card")).to_have_count(1)
    expect(page.get_by_test_id("product-card")).to_contain_text(desk.title)

    number = shop_as_guest(page, chair, desk)  # cart, checkout as a guest, receipt

    expect(banner(page)).to_have_count(0)
    assert STATISTICS_COOKIE not in cookies(page)
    assert_only_necessary_cookies(page)
    db.session.rollback()
    order = db.session.scalar(select(Order).where(Order.number == number))
    assert order is not None and order.email == BUYER["email"]
    assert_ledger([("reject", "banner", frozenset())], offered)
