"""New terms first (R8.1): a logged-in customer who has not answered the newest version of
the privacy statement that needs consent is sent to the accept page on every request, except
the pages they need to make up their mind or to leave (the statement, the choice itself,
logging out) and the ones other packages register (Min side's export and erasure).
"""

from __future__ import annotations

from flask import jsonify, redirect, request, url_for
from flask_login import current_user

from bkm.consent.state import current_consent
from bkm.errors import wants_json

ALWAYS_OPEN = {
    "static",
    "media.file",
    "health",
    "consent.policy",
    "consent.policy_version",
    "consent.new_terms",
    "consent.choose",
    "consent.settings",
    "accounts.logout",
    "accounts.verify_email",  # one-time links from e-mails: answer "used" or "expired" first
    "accounts.reset_password",
}
OPEN_ENDPOINTS: set[str] = set()  # registered by other packages (privacy export, erasure)


def ask_for_new_terms():
    endpoint = request.endpoint
    if endpoint is None or endpoint in ALWAYS_OPEN or endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated or current_user.role != "customer":
        return None
    if not current_consent().needs_login_answer:
        return None
    if wants_json():
        return jsonify(reason="Du må ta stilling til de nye vilkårene før du kan fortsette."), 403
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("consent.new_terms", neste=target), 303)
