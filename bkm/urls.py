"""Where a redirect may go after a form: only paths on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_local_path(target: str | None, default_endpoint: str = "catalog.index") -> str:
    """The target when it is a path on this site, else the default page.

    An open redirect ("?next=https://evil.example") would help phishing, so scheme-relative
    URLs ("//evil.example") and anything with a scheme or host are refused.
    """
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)
