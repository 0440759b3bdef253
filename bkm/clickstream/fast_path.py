"""POST /collect without the rest of the shop's request machinery.

A beacon from a visitor who is not logged in needs nothing of what every page needs: no
session, no login, no templates. This WSGI layer in front of Flask answers such beacons
with the very same rule as the Flask view (collect.answer_batch): the same consent check,
rate-limit storage, validation and buffer. Anything it is not sure of — another path or
method, a session or remember-me cookie (a person whose account answers decide consent) —
goes to Flask unchanged. It makes single events about twice as fast (see bench/README.md).
"""

from __future__ import annotations

import json

from flask import Flask
from werkzeug.http import HTTP_STATUS_CODES, dump_cookie
from werkzeug.wrappers import Request

from bkm.clickstream.collect import Answer, answer_batch
from bkm.clickstream.visits import IDLE, VISIT_COOKIE
from bkm.config import is_production
from bkm.consent.choice import decode_choice, refuses_tracking
from bkm.consent.policy import snapshot
from bkm.consent.registry import CHOICE_COOKIE, STATISTICS
from bkm.security import security_headers

COLLECT_PATH = "/collect"


class CollectFastPath:
    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.person_cookies = (
            app.config.get("SESSION_COOKIE_NAME", "session"),
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        )
        self.headers = security_headers(production=is_production(app))
        self.secure_cookies = bool(app.config.get("SESSION_COOKIE_SECURE"))

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != COLLECT_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        req = Request(environ)
        if any(name in req.cookies for name in self.person_cookies):
            return self.wsgi_app(environ, start_response)
        with self.app.app_context():
            answer = answer_batch(req, lambda: anonymous_allows_statistics(req))
            buffer = self.app.extensions["bkm_clickstream"]
            if buffer.flush_seconds <= 0:  # no writer thread: write now, as Flask's teardown does
                buffer.flush()
        return self.respond(answer, start_response)

    def respond(self, answer: Answer, start_response):
        """The same answer collect.respond gives, written straight to WSGI: a werkzeug
        Response object's header bookkeeping costs more than the rest of a beacon."""
        headers = list(self.headers)
        body = b""
        if answer.reason is not None:
            body = json.dumps({"reason": answer.reason}, ensure_ascii=False).encode()
            headers += [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        if answer.visit is not None:
            cookie = dump_cookie(
                VISIT_COOKIE,
                answer.visit.cookie_value(),
                max_age=int(IDLE.total_seconds()),  # as recording.keep_visit sets it
                httponly=True,
                samesite="Lax",
                secure=self.secure_cookies,
            )
            headers.append(("Set-Cookie", cookie))
        start_response(f"{answer.status} {HTTP_STATUS_CODES[answer.status].upper()}", headers)
        return [body]


def anonymous_allows_statistics(req: Request) -> bool:
    """bkm.consent.state's rule for a visitor who is not logged in: a valid choice on the
    terms in force that gives statistics, and no Global Privacy Control or Do Not Track."""
    choice = decode_choice(req.cookies.get(CHOICE_COOKIE))
    return (
        choice is not None
        and choice.policy_version >= snapshot().required_version
        and STATISTICS in choice.granted
        and not refuses_tracking(req)
    )


def install(app: Flask) -> None:
    app.wsgi_app = CollectFastPath(app, app.wsgi_app)
