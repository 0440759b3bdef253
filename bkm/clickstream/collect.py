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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from flask import Request, Response, current_app, request
from limits import parse as parse_limit

from bkm.clickstream import bp
from bkm.clickstream.devices import BOT, classify
from bkm.clickstream.recording import keep_visit, recorded_path, referrer_host
from bkm.clickstream.visits import (
    VISIT_COOKIE,
    Visit,
    continue_visit,
    needs_cookie,
    parse_visit,
)
from bkm.clock import utcnow
from bkm.consent.registry import STATISTICS, VISITOR_COOKIE
from bkm.consent.state import current_consent
from bkm.extensions import csrf, limiter
from bkm.ip import truncated_client_ip
from bkm.origin import is_same_origin

MAX_EVENTS = 50
TOO_LARGE = "For mange data i én sending."
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


def _rate_limit() -> str:
    return current_app.config["COLLECT_RATE_LIMIT"]


@lru_cache(maxsize=8)
def _parsed_limit(text: str):
    return parse_limit(text)


def within_rate_limit(req: Request) -> bool:
    """One hit on Flask-Limiter's storage (memory, or Redis with BKM_REDIS_URL) per request,
    keyed by the truncated address. Called directly rather than through @limiter.limit,
    whose per-request bookkeeping cost the collector a third of its time."""
    key = truncated_client_ip(req, current_app.config["TRUSTED_PROXIES"])
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "bkm"  # apps sharing a Redis
    return limiter.limiter.hit(_parsed_limit(_rate_limit()), prefix, "collect", key)


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str | None = None  # the JSON reason of a refusal
    visit: Visit | None = None  # a visit whose cookie the 204 must (re)set


def answer_batch(req: Request, allows_statistics: Callable[[], bool]) -> Answer:
    """The collector's rule, for the Flask view and for the fast path (fast_path.py) alike.
    Needs an app context; `allows_statistics` is asked only for a well-formed batch."""
    if not within_rate_limit(req):
        return Answer(429, "For mange sendinger på kort tid. Vent litt og prøv igjen.")
    if req.content_length is not None and req.content_length > MAX_BODY_BYTES:
        return Answer(413, TOO_LARGE)
    if not is_same_origin(req):
        return Answer(403, "Sendingen kom ikke fra en side i nettbutikken.")
    body = req.get_data(cache=False)
    if len(body) > MAX_BODY_BYTES:
        return Answer(413, TOO_LARGE)
    try:
        events = parse_batch(body)
    except BadBatch as problem:
        return Answer(400, str(problem))
    visitor_id = req.cookies.get(VISITOR_COOKIE, "")
    if len(visitor_id) != 32 or not allows_statistics():
        return Answer(403, "Ingen samtykke til statistikk: ingenting er lagret.")
    device = classify(req.headers.get("User-Agent", ""))
    if device.device_class == BOT:
        return Answer(204)  # bots are never in the figures
    now = utcnow()
    previous = parse_visit(req.cookies.get(VISIT_COOKIE))
    visit = continue_visit(previous, now)
    common = {
        "at": now,
        "page_type": "",
        "category_id": None,
        "search_query": "",
        "checkout_step": "",
        "referrer_host": referrer_host(req),
        "utm_source": "",
        "utm_medium": "",
        "utm_campaign": "",
        "device": device.device_class,
        "os": device.os,
        "browser": device.browser,
        "ip_prefix": truncated_client_ip(req, current_app.config["TRUSTED_PROXIES"]),
        "visitor_id": visitor_id,
        "visit_id": visit.visit_id,
    }
    current_app.extensions["bkm_clickstream"].add_events(
        [
            {
                **common,
                "type": event.type,
                "path": recorded_path(event.path),
                "product_id": event.product_id,
                "duration_ms": event.duration_ms,
            }
            for event in events
        ]
    )
    return Answer(204, visit=visit if needs_cookie(previous, visit) else None)


def respond(answer: Answer, headers: list[tuple[str, str]] | None = None) -> Response:
    if answer.reason is not None:
        response = current_app.response_class(
            json.dumps({"reason": answer.reason}, ensure_ascii=False),
            status=answer.status,
            mimetype="application/json",
            headers=headers,
        )
    else:
        response = current_app.response_class(status=answer.status, headers=headers)
    if answer.visit is not None:
        keep_visit(response, answer.visit)
    return response


@bp.post("/collect")
@csrf.exempt  # a beacon carries no token; the same-origin check and SameSite cookies stand in
def collect():
    return respond(answer_batch(request, lambda: current_consent().allows(STATISTICS)))


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
    if (
        not (isinstance(path, str) and path.startswith("/") and 0 < len(path) <= 300)
        or "\x00" in path
    ):
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
