"""Error pages in Norwegian, or a JSON reason for endpoints that speak JSON."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from bkm.extensions import db

MESSAGES = {
    400: (
        "Ugyldig forespørsel",
        "Vi forsto ikke forespørselen. Sjekk adressen eller skjemaet og prøv igjen.",
    ),
    403: ("Ingen tilgang", "Du har ikke tilgang til denne siden."),
    404: (
        "Siden finnes ikke",
        "Vi fant ikke siden du lette etter. Kanskje varen er solgt, eller adressen er feil.",
    ),
    405: ("Ikke tillatt", "Denne handlingen er ikke tillatt her."),
    413: ("For stor forespørsel", "Forespørselen er for stor."),
    429: (
        "For mange forespørsler",
        "Du har sendt for mange forespørsler på kort tid. Vent litt og prøv igjen.",
    ),
    500: ("Noe gikk galt", "Det oppstod en feil hos oss. Prøv igjen om litt, eller ta kontakt."),
}
PAGE_TEMPLATES = {400, 403, 404, 429, 500}


def wants_json() -> bool:
    if request.is_json or request.path.startswith("/collect"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


CSRF_MESSAGE = (
    "Skjemaet er utløpt",
    "Skjemaet var for gammelt eller kom ikke fra denne siden. Gå tilbake, last siden på nytt "
    "og prøv igjen.",
)


def _render(error: HTTPException):
    code = error.code or 500
    if isinstance(error, CSRFError):
        title, text = CSRF_MESSAGE
    else:
        title, text = MESSAGES.get(code, (error.name, error.description or ""))
    if wants_json():
        return jsonify(reason=text, status=code), code
    template = f"errors/{code}.html" if code in PAGE_TEMPLATES else "errors/generic.html"
    return render_template(template, code=code, title=title, text=text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _render(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(InternalServerError())
