"""Server-side recording: every page a visitor sees, and what they did, from the request.

It runs after each response, so it works without JavaScript and for pages served from the
page cache. Which table a request lands in is decided by consent, never by guesswork:
- a visitor with statistics consent (and not a bot): events with their random visitor id
  and visit id in `click_events`;
- everyone else: a page view counted in `click_page_counts`, with what the server sees in
  the request (path, kind of page, product, device class, referring site) and nothing that
  could tell two visitors apart. Bots are counted there too, as device "bot".
The IP address is truncated before it reaches any row; the full address is never kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Request, Response, current_app, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from bkm.clickstream.devices import BOT, Device, classify
from bkm.clickstream.visits import VISIT_COOKIE, continue_visit, needs_cookie, parse_visit
from bkm.clock import to_oslo, utcnow
from bkm.consent.registry import STATISTICS, VISITOR_COOKIE
from bkm.consent.state import current_consent
from bkm.ip import truncated_client_ip
from bkm.page_context import noted_events, page_description

NOT_RECORDED = {"static", "media.file", "health", "clickstream.collect"}
NOT_RECORDED_AREAS = {"admin", "analytics"}  # the staff's own work is not shop traffic
# A page view is one row; on these pages its type says more. Page views = all four types.
PAGE_EVENTS = {"product": "product_view", "category": "category_view", "search": "search"}
PAGE_VIEW_TYPES = ("page_view", *PAGE_EVENTS.values())
NEW_VISITOR_KEY = "new_visitor_id"
_NO_ARGS: dict[str, str] = {}


# Paths are kept as the visitor saw them, except those that name something of a person's — an
# order, a case, a quote, a link's token: their route stands in ("/konto/ordre/<number>"), so
# the clickstream never holds what could lead to someone (R2.2). Catalogue pages keep theirs.
PATHS_KEPT = {"catalog.product", "catalog.category"}


def recorded_path(path: str, rule=None) -> str:
    """The path to store for a page: its route pattern when its arguments could be personal."""
    if rule is None:
        rule = _rule_of(current_app.url_map, path)
    if rule is None or not rule.arguments or rule.endpoint in PATHS_KEPT:
        return path
    return rule.rule


@lru_cache(maxsize=4096)
def _rule_of(url_map: Map, path: str):
    """The route a path from the visitor's script leads to, or None (a path the shop has not)."""
    try:
        rule, _args = url_map.bind("localhost").match(path, method="GET", return_rule=True)
    except HTTPException:
        return None
    return rule


def should_record(req: Request) -> bool:
    endpoint = req.endpoint or ""
    return (
        current_app.config["CLICKSTREAM_RECORDING"]
        and endpoint not in NOT_RECORDED
        and endpoint.split(".", 1)[0] not in NOT_RECORDED_AREAS
    )


def is_page_view(response: Response) -> bool:
    return (
        request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
    )


def referrer_host(req: Request) -> str:
    """Where the visitor came from: another site's host name only, never its path."""
    referrer = req.referrer
    if not referrer:
        return ""
    try:
        host = (urlsplit(referrer).hostname or "").lower()
    except ValueError:
        return ""
    own = (req.host or "").split(":", 1)[0].lower()
    return "" if host == own else host[:100]


def record(response: Response, buffer) -> None:
    """Add this request's events to the worker's buffer (see buffer.py)."""
    page_view = is_page_view(response)
    events = noted_events()
    if not page_view and not events:
        return
    device = classify(request.headers.get("User-Agent", ""))
    description = page_description() or {}
    state = g.get("consent_state") or current_consent()
    if device.device_class == BOT or not state.allows(STATISTICS):
        if page_view:
            day = to_oslo(utcnow()).date()
            buffer.add_count(
                count_key(
                    day,
                    recorded_path(request.path, request.url_rule),
                    description,
                    device.device_class,
                    referrer_host(request),
                )
            )
        return
    visitor_id = request.cookies.get(VISITOR_COOKIE) or g.get(NEW_VISITOR_KEY)
    if not visitor_id:
        return
    now = utcnow()
    previous = parse_visit(request.cookies.get(VISIT_COOKIE))
    visit = continue_visit(previous, now)
    if needs_cookie(previous, visit):
        keep_visit(response, visit)
    common = common_fields(
        now,
        recorded_path(request.path, request.url_rule),
        description,
        device,
        visitor_id=visitor_id,
        visit_id=visit.visit_id,
        referrer=referrer_host(request),
        utm=request.args if request.query_string else _NO_ARGS,  # most pages have none
        ip_prefix=truncated_client_ip(request, current_app.config["TRUSTED_PROXIES"]),
    )
    buffer.add_events(event_rows(common, page_view, events))


def keep_visit(response: Response, visit) -> None:
    response.set_cookie(
        VISIT_COOKIE,
        visit.cookie_value(),
        max_age=30 * 60,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


# The row builders below take plain values, not the request, so the demo traffic generator
# (bkm/demo/traffic.py) makes its rows with exactly this code at times of its choosing.


def common_fields(
    at: datetime,
    path: str,
    description: Mapping,
    device: Device,
    *,
    visitor_id: str,
    visit_id: str,
    referrer: str,
    utm: Mapping[str, str],
    ip_prefix: str,
) -> dict:
    """The fields every event of one request shares."""
    return {
        "at": at,
        "path": path[:300],
        "page_type": description.get("page_type", "")[:20],
        "product_id": description.get("product_id"),
        "category_id": description.get("category_id"),
        "search_query": description.get("search_query", ""),
        "checkout_step": "",
        "duration_ms": None,
        "referrer_host": referrer,
        "utm_source": utm.get("utm_source", "")[:100],
        "utm_medium": utm.get("utm_medium", "")[:100],
        "utm_campaign": utm.get("utm_campaign", "")[:100],
        "device": device.device_class,
        "os": device.os,
        "browser": device.browser,
        "ip_prefix": ip_prefix,
        "visitor_id": visitor_id,
        "visit_id": visit_id,
    }


def event_rows(common: dict, page_view: bool, events: list[tuple[str, dict]]) -> list[dict]:
    """A request's rows: its page view (typed by the kind of page), then what it noted."""
    rows = []
    if page_view:  # one row per page: a product page's view is its product_view
        rows.append({**common, "type": PAGE_EVENTS.get(common["page_type"], "page_view")})
    for event_type, fields in events:
        rows.append(
            {
                **common,
                "type": event_type,
                "product_id": fields.get("product_id", common["product_id"]),
                "category_id": fields.get("category_id", common["category_id"]),
                "checkout_step": str(fields.get("step", ""))[:20],
            }
        )
    return rows


def count_key(
    day: date, path: str, description: Mapping, device_class: str, referrer: str
) -> tuple:
    """The cookieless counter a page view adds one to (buffer.COUNT_KEY's order)."""
    return (
        day,
        path[:300],
        description.get("page_type", "")[:20],
        description.get("product_id") or 0,
        description.get("category_id") or 0,
        device_class,
        referrer,
    )
