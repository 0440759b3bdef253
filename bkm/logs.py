"""Logs without personal data (R6.3, issue 9): one JSON object per line in production.

Every line passes `PersonalDataFilter` on its way out: IP addresses are truncated like the
clickstream's (/16, /48), e-mail addresses become «[e-post]» and the tokens of e-mailed
links (password reset, unsubscribe …) «[lenkenøkkel]», whichever logger
wrote it (the shop's, werkzeug's, gunicorn's, a library's). Requests are logged by the app
itself, one line each with method, path (never the query string: it can hold search words
or tokens), status, time and the truncated address; gunicorn's own access log is off in
gunicorn.conf.py, since it would write the full address.

Settings: BKM_LOG_FORMAT "json" or "text" (default json in production), BKM_LOG_REQUESTS
(default on in production), BKM_LOG_LEVEL (default INFO).
"""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request

from bkm.ip import UNKNOWN, truncate_ip, truncated_client_ip

IP_PATTERN = re.compile(
    r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?)(?![\w.:])"
)
EMAIL_PATTERN = re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
EMAIL_MASK = "[e-post]"
# itsdangerous tokens in e-mailed links (payload.timestamp.signature): single-use keys.
TOKEN_PATTERN = re.compile(r"[\w-]{8,}\.[\w-]{4,}\.[\w-]{16,}")
TOKEN_MASK = "[lenkenøkkel]"
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")
STRUCTURED_FIELDS = ("method", "path", "status", "duration_ms", "ip")
request_log = logging.getLogger("bkm.request")


def _truncate(candidate: str) -> str:
    truncated = truncate_ip(candidate)
    # Not an address after all (a version number, a time): leave it as it was.
    return candidate if truncated == UNKNOWN and candidate != UNKNOWN else truncated


def scrub(text: str) -> str:
    """The text with IP addresses truncated, e-mail addresses and link tokens masked."""
    text = EMAIL_PATTERN.sub(EMAIL_MASK, TOKEN_PATTERN.sub(TOKEN_MASK, text))
    return IP_PATTERN.sub(lambda match: _truncate(match.group(0)), text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return True


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", and the request fields when present}."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in STRUCTURED_FIELDS:
            if hasattr(record, key):
                value = getattr(record, key)
                line[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info:
            line["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def install_filter(logger: logging.Logger) -> None:
    targets = [logger, *logger.handlers]
    for target in targets:
        if not any(isinstance(f, PersonalDataFilter) for f in target.filters):
            target.addFilter(PersonalDataFilter())


def init_app(app: Flask) -> None:
    production = app.config.get("ENV_NAME") == "production"
    log_format = app.config.get("LOG_FORMAT") or ("json" if production else "text")
    root = logging.getLogger()
    if not any(getattr(h, "bkm_handler", False) for h in root.handlers) and not app.testing:
        handler = logging.StreamHandler()
        handler.bkm_handler = True
        handler.setFormatter(
            JsonFormatter()
            if log_format == "json"
            else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        root.addHandler(handler)
        root.setLevel(app.config.get("LOG_LEVEL") or "INFO")
    for logger in (root, app.logger, *map(logging.getLogger, REQUEST_LOGGERS)):
        install_filter(logger)

    log_requests = app.config.get("LOG_REQUESTS")
    if log_requests if log_requests is not None else production:
        _log_each_request(app)


def _log_each_request(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.log_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        started = g.get("log_started")
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "ip": truncated_client_ip(request, app.config["TRUSTED_PROXIES"]),
        }
        request_log.info(
            "%s %s %s", request.method, request.path, response.status_code, extra=fields
        )
        return response
