"""POST /collect: the batches the visitor's script sends (product clicks, time on page).

Strict by design: JSON `{"events": [...]}` with 1-50 events of known types and bounded
fields, from a page of this site, from a visitor with statistics consent. Anything else is
refused with a JSON reason and nothing is stored. Accepted events join the worker's buffer
(buffer.py) and are answered 204 at once; the buffer is written every second and when the
worker stops, so an answered event is not lost on a deploy or restart
(tests/clickstream/test_no_lost_events.py stops gunicorn mid-load and finds them all).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, jsonify, request
from limits import parse as parse_limit

from bkm.clickstream import bp
from bkm.clickstream.devices import BOT, classify
from bkm.clickstream.recording import keep_visit, referrer_host
from bkm.clickstream.visits import VISIT_COOKIE, continue_visit, parse_visit
from bkm.clock import utcnow
from bkm.consent.registry import STATISTICS, VISITOR_COOKIE
from bkm.consent.state import current_consent
from bkm.extensions import csrf, limiter
from bkm.ip import truncated_client_ip
from bkm.origin import is_same_origin

MAX_EVENTS = 50
MAX_BODY_BYTES = 16 * 1024
MAX_DURATION_MS = 6 * 60 * 60 * 1000  # a page left open longer says nothing about reading it
SCRIPT_EVENTS = {"product_click", "time_on_page"}
FIELDS = {"type", "path", "product_id", "duration_ms"}


class BadBatch(ValueError):
    """The message is the JSON reason, in Norwegian."""


@dataclass(frozen=True)
class ScriptEvent:
    type: str
    path: str
    product_id: int | None
    duration_ms: int | None


def _refuse(status: int, reason: str):
    return jsonify(reason=reason), status


def _rate_limit() -> str:
    return current_app.config["COLLECT_RATE_LIMIT"]


@lru_cache(maxsize=8)
def _parsed_limit(text: str):
    return parse_limit(text)


def within_rate_limit() -> bool:
    """One hit on Flask-Limiter's storage (memory, or Redis with BKM_REDIS_URL) per request,
    keyed by the truncated address. Called directly rather than through @limiter.limit,
    whose per-request bookkeeping cost the collector a third of its time."""
    key = truncated_client_ip(request, current_app.config["TRUSTED_PROXIES"])
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "bkm"  # apps sharing a Redis
    return limiter.limiter.hit(_parsed_limit(_rate_limit()), prefix, "collect", key)


@bp.post("/collect")
@csrf.exempt  # a beacon carries no token; the same-origin check and SameSite cookies stand in
def collect():
    if not within_rate_limit():
        return _refuse(429, "For mange sendinger på kort tid. Vent litt og prøv igjen.")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return _refuse(413, "For mange data i én sending.")
    if not is_same_origin(request):
        return _refuse(403, "Sendingen kom ikke fra en side i nettbutikken.")
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY_BYTES:
        return _refuse(413, "For mange data i én sending.")
    try:
        events = parse_batch(body)
    except BadBatch as problem:
        return _refuse(400, str(problem))
    visitor_id = request.cookies.get(VISITOR_COOKIE, "")
    if not current_consent().allows(STATISTICS) or len(visitor_id) != 32:
        return _refuse(403, "Ingen samtykke til statistikk: ingenting er lagret.")
    device = classify(request.headers.get("User-Agent", ""))
    if device.device_class == BOT:
        return "", 204  # bots are never in the figures
    now = utcnow()
    visit = continue_visit(parse_visit(request.cookies.get(VISIT_COOKIE)), now)
    ip_prefix = truncated_client_ip(request, current_app.config["TRUSTED_PROXIES"])
    current_app.extensions["bkm_clickstream"].add_events(
        [
            {
                "at": now,
                "type": event.type,
                "path": event.path,
                "page_type": "",
                "product_id": event.product_id,
                "category_id": None,
                "search_query": "",
                "checkout_step": "",
                "duration_ms": event.duration_ms,
                "referrer_host": referrer_host(request),
                "utm_source": "",
                "utm_medium": "",
                "utm_campaign": "",
                "device": device.device_class,
                "os": device.os,
                "browser": device.browser,
                "ip_prefix": ip_prefix,
                "visitor_id": visitor_id,
                "visit_id": visit.visit_id,
            }
            for event in events
        ]
    )
    response = current_app.make_response(("", 204))
    keep_visit(response, visit)
    return response


def parse_batch(body: bytes) -> list[ScriptEvent]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadBatch("Sendingen er ikke gyldig JSON.") from error
    if not isinstance(data, dict) or set(data) != {"events"}:
        raise BadBatch("Sendingen må være et objekt med bare «events».")
    events = data["events"]
    if not isinstance(events, list) or not events:
        raise BadBatch("«events» må være en liste med minst én hendelse.")
    if len(events) > MAX_EVENTS:
        raise BadBatch(f"Høyst {MAX_EVENTS} hendelser per sending.")
    return [_parse_event(event, index) for index, event in enumerate(events)]


def _parse_event(event, index: int) -> ScriptEvent:
    where = f"Hendelse {index + 1}"
    if not isinstance(event, dict) or not set(event) <= FIELDS or "type" not in event:
        raise BadBatch(f"{where}: ukjente eller manglende felt.")
    kind = event["type"]
    if kind not in SCRIPT_EVENTS:
        raise BadBatch(f"{where}: ukjent type.")
    path = event.get("path")
    if not (isinstance(path, str) and path.startswith("/") and 0 < len(path) <= 300):
        raise BadBatch(f"{where}: «path» må være en sti på nettstedet (høyst 300 tegn).")
    product_id = event.get("product_id")
    if product_id is not None and not _is_int(product_id, 1, 2**31 - 1):
        raise BadBatch(f"{where}: «product_id» må være et positivt heltall.")
    duration = event.get("duration_ms")
    if kind == "time_on_page":
        if not _is_int(duration, 0, MAX_DURATION_MS):
            raise BadBatch(
                f"{where}: «duration_ms» må være et heltall fra 0 til {MAX_DURATION_MS}."
            )
    elif duration is not None:
        raise BadBatch(f"{where}: bare «time_on_page» har «duration_ms».")
    if kind == "product_click" and product_id is None:
        raise BadBatch(f"{where}: «product_click» må ha «product_id».")
    return ScriptEvent(kind, path, product_id, duration)


def _is_int(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
