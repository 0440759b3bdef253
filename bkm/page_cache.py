"""A short-lived cache of whole pages for anonymous visitors (a "micro-cache").

Most catalogue traffic is anonymous and sees identical pages, so each worker keeps the
rendered HTML of a page for a few seconds. Guarantees:
- Only GET requests from visitors without a personal session (no login, no flashes, no cart;
  a CSRF key alone is not personal) and without a remember-me cookie are served from it or
  stored in it.
- Only a 200 response that neither touched the session, nor set a cookie, nor rendered a
  CSRF token (the consent banner's form has one) is stored: a page that became personal
  while rendering is never shared.
- A commit that changes a watched model (the catalogue registers its own) empties this
  worker's cache at once; other workers catch up within PAGE_CACHE_SECONDS. Nothing that
  must be exact (stock at checkout, prices in an order) is ever read from a cached page.
- Request hooks (security headers, later the clickstream) still run on every hit: the cache
  sits inside the view, not in front of the app.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    make_response,
    request,
    session,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

from bkm.page_context import page_description, restore_description

VARY_HOOKS: list[Callable[[], str]] = []  # more request state a page depends on (e.g. consent)
CSRF_KEY = "csrf_token"  # Flask-WTF's key in the session (and its token's in `g`)
# A random CSRF key, and the "not fresh" mark Flask-Login adds to any session: nothing personal.
SHAREABLE_SESSION_KEYS = frozenset({CSRF_KEY, "_fresh"})


class PageCache:
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._pages: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            expires_at, body = entry
            if expires_at <= time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return body

    def put(self, key: str, entry, ttl: float) -> None:
        with self._lock:
            self._pages[key] = (time.monotonic() + ttl, entry)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


def _cache() -> PageCache | None:
    return current_app.extensions.get("bkm_page_cache")


def _has_personal_session() -> bool:
    return not session.keys() <= SHAREABLE_SESSION_KEYS


def _is_anonymous_request() -> bool:
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        request.method == "GET" and not _has_personal_session() and remember not in request.cookies
    )


def cached_for_anonymous(view):
    """Serve and store the view's page from the micro-cache when that is safe (see above)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = _cache()
        if cache is None or not _is_anonymous_request():
            return view(*args, **kwargs)
        key = "|".join([request.full_path, *(hook() for hook in VARY_HOOKS)])
        entry = cache.get(key)
        if entry is not None:
            body, description = entry
            restore_description(description)  # the hooks after the view still see what it is
            return Response(body, mimetype="text/html")
        response = make_response(view(*args, **kwargs))
        personal = (
            session.modified
            or _has_personal_session()
            or "Set-Cookie" in response.headers
            or CSRF_KEY in g  # Flask-WTF keeps a generated token there: the page has a form
        )
        if response.status_code == 200 and not personal:
            cache.put(
                key,
                (response.get_data(), page_description()),
                current_app.config["PAGE_CACHE_SECONDS"],
            )
        return response

    return wrapper


_WATCHED_MODELS: set[type] = set()
_STALE = "bkm_page_cache_stale"


def watch_models(*models: type) -> None:
    """Empty the worker's cache after any commit that wrote one of these models."""
    _WATCHED_MODELS.update(models)


@event.listens_for(Session, "after_flush")
def _note_changes(db_session: Session, _flush_context) -> None:
    changed = (*db_session.new, *db_session.dirty, *db_session.deleted)
    if any(type(obj) in _WATCHED_MODELS for obj in changed):
        db_session.info[_STALE] = True


@event.listens_for(Session, "after_commit")
def _clear_after_commit(db_session: Session) -> None:
    if db_session.info.pop(_STALE, False) and has_app_context() and (cache := _cache()):
        cache.clear()


def init_app(app: Flask) -> None:
    if app.config["PAGE_CACHE_SECONDS"] > 0:
        app.extensions["bkm_page_cache"] = PageCache(app.config["PAGE_CACHE_MAX_ENTRIES"])
