"""Response headers that every page carries."""

from __future__ import annotations

from flask import Flask, Response

from bkm.config import is_production

# No inline script or style anywhere: everything the shop runs is served from static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def allow_sources(response: Response, **directives: list[str]) -> None:
    """Widen this response's policy, e.g. `script_src=["https://example.com"]`, for a page that
    really loads from there (Google Analytics, when the visitor has consented to it)."""
    parts = [
        part.strip()
        for part in response.headers.get("Content-Security-Policy", CONTENT_SECURITY_POLICY).split(
            ";"
        )
    ]
    for directive, sources in directives.items():
        name = directive.replace("_", "-")
        for index, part in enumerate(parts):
            if part.split(" ", 1)[0] == name:
                parts[index] = " ".join([part, *sources])
                break
        else:
            parts.append(" ".join([name, *sources]))
    response.headers["Content-Security-Policy"] = "; ".join(parts)


def init_app(app: Flask) -> None:
    production = is_production(app)
    if production:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        add_security_headers(response, production=production)
        return response


def security_headers(*, production: bool) -> list[tuple[str, str]]:
    """The headers every response carries (the collector's fast path passes them itself)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    if production:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def add_security_headers(response: Response, *, production: bool) -> None:
    for name, value in security_headers(production=production):
        response.headers.setdefault(name, value)
