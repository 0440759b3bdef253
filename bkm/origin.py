"""A same-origin check for requests that carry no CSRF token: the add-to-cart form and the
clickstream script's beacons.

The add-to-cart form sits on product pages, which are shared from the anonymous micro-cache
(bkm/page_cache.py). A CSRF token would give every visitor a session while rendering and
make every product page personal, so that form has none and its endpoint is exempt from
Flask-WTF's check. That is safe:
- The session cookie is SameSite=Lax, so a cross-site POST never carries the visitor's
  session: a forged request can only fill a new, cookieless cart that nobody sees.
- The worst a forged request could do anyway is add an item to a cart; it cannot buy,
  pay, or read anything.
- As defence in depth this check refuses requests that the browser says come from another
  site (same-site subdomains and old browsers included).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Request


def _host_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc.lower()


def is_same_origin(request: Request) -> bool:
    """True when the request comes from a page of this host.

    Browsers send Origin with every POST; it must name this host ("null", from sandboxed or
    privacy-stripped contexts, does not). Without Origin, Sec-Fetch-Site must be same-origin
    or absent (older browsers) and the Referer must be a page on this host.
    """
    host = request.host.lower()
    origin = request.headers.get("Origin")
    if origin is not None:
        return _host_of(origin) == host
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    referer = request.headers.get("Referer")
    return referer is not None and _host_of(referer) == host
