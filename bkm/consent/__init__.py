"""Consent: the purposes and cookies, the banner, the ledger, the privacy statement.

Nothing optional happens to a visitor before they say yes. The rest of the shop asks one
question, `consent_allows(purpose)`, and registers what a withdrawal must delete with
`on_withdrawal(purpose)`.
"""

from flask import Blueprint, Flask, Response, g
from flask_login import user_logged_in

bp = Blueprint("consent", __name__)

from bkm.consent import views  # noqa: E402,F401  (routes)
from bkm.consent.recording import on_withdrawal  # noqa: E402,F401  (the public API)
from bkm.consent.state import consent_allows, current_consent  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from bkm.consent import gate, policy
    from bkm.consent.linking import link_choice_at_login
    from bkm.consent.recording import sync_cookies
    from bkm.consent.registry import MARKETING
    from bkm.page_cache import VARY_HOOKS
    from bkm.security import allow_sources

    policy.init_app(app)
    app.register_blueprint(bp)
    app.before_request(gate.ask_for_new_terms)
    VARY_HOOKS.append(lambda: current_consent().cache_key())
    app.jinja_env.globals["consent"] = current_consent
    user_logged_in.connect(link_choice_at_login, app)

    @app.after_request
    def _follow_consent(response: Response) -> Response:
        state = g.get("consent_state")  # only requests that looked at consent (pages do)
        if state is not None:
            sync_cookies(response, state)
            if state.allows(MARKETING):
                allow_sources(response, **GOOGLE_ANALYTICS_SOURCES)
        return response


GOOGLE_ANALYTICS_SOURCES = {
    "script_src": ["https://www.googletagmanager.com"],
    "connect_src": [
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
        "https://*.googletagmanager.com",
    ],
    "img_src": ["https://*.google-analytics.com", "https://*.googletagmanager.com"],
}
