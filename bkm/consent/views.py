"""The consent pages: the banner's POST, cookie settings, new terms, the privacy statement."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from bkm.consent import bp
from bkm.consent.forms import ConsentForm
from bkm.consent.models import ACTION_NAMES, CHANNEL_NAMES
from bkm.consent.policy import current_version, published, published_versions, snapshot
from bkm.consent.policy_text import parse
from bkm.consent.processors import processors_register
from bkm.consent.recording import record_choice, store_choice
from bkm.consent.registry import COOKIES, PURPOSES
from bkm.consent.state import current_consent, ledger_of, replace_consent, work_out_state
from bkm.errors import wants_json
from bkm.extensions import db
from bkm.urls import safe_local_path

SAVED = "Valget ditt er lagret. Du kan endre det når som helst under «Cookie-innstillinger»."


@bp.post("/samtykke")
def choose():
    """Save a choice from any consent form; 303 back, or JSON for the banner's script."""
    state = current_consent()
    form = ConsentForm().offer(state.offered)
    if not form.validate():
        if wants_json():
            return jsonify(reason=form.first_error()), 400
        return _settings_page(state, error=form.first_error()), 400
    back = safe_local_path(form.neste.data)
    if form.handling.data == "tilpass":  # without JavaScript the choices are on their own page
        return redirect(url_for("consent.settings", neste=back), 303)

    user_id = current_user.id if current_user.is_authenticated else None
    choice, record = record_choice(
        state, form.wanted(state.offered_keys), channel=form.kanal.data, user_id=user_id
    )
    db.session.commit()
    new_state = work_out_state(stored=choice)
    replace_consent(new_state)  # the cookies sent with this response follow the new choice
    if wants_json():
        response = jsonify(
            granted=sorted(record.granted_purposes),
            refused=sorted(record.refused_purposes),
            in_effect=sorted(new_state.granted),  # less than granted under GPC or DNT
            message=SAVED,
        )
    else:
        flash(SAVED, "success")
        response = redirect(back, 303)
    store_choice(response, choice)
    return response


@bp.get("/cookie-innstillinger")
def settings():
    return _settings_page(current_consent())


def _settings_page(state, error: str | None = None) -> str:
    given = state.granted if (state.choice or state.account_answer) else frozenset()
    return render_template(
        "consent/settings.html",
        state=state,
        given=given,
        error=error,
        # From the footer link: back here after saving, to see the new state.
        back=safe_local_path(request.values.get("neste"), "consent.settings"),
        cookies=COOKIES,
        purposes=PURPOSES,
    )


@bp.get("/samtykke/nye-vilkar")
@login_required
def new_terms():
    state = current_consent()
    back = safe_local_path(request.args.get("neste"))
    if not state.needs_login_answer:
        return redirect(back)
    return render_template("consent/new_terms.html", state=state, back=back)


@bp.get("/personvern")
def policy():
    in_force = current_version()
    return _render_policy(in_force, latest=True)


@bp.get("/personvern/versjon/<int:version>")
def policy_version(version: int):
    shown = published(version)
    if shown is None:
        abort(404)
    return _render_policy(shown, latest=shown.version == snapshot().version)


def _render_policy(shown, *, latest: bool):
    processors, _ended = processors_register()
    return render_template(
        "consent/policy.html",
        shown=shown,
        latest=latest,
        blocks=parse(shown.body),
        versions=published_versions(),
        processors=processors,
        cookies=COOKIES,
        purposes=PURPOSES,
    )


def purpose_names(keys) -> str:
    """'personalisation,statistics' -> 'Statistikk, Personlig innhold' (registry order)."""
    return ", ".join(p.name for p in PURPOSES if p.key in keys)


@bp.get("/konto/samtykker")
@login_required
def history():
    return render_template(
        "consent/history.html",
        records=ledger_of(current_user.id),
        purpose_names=purpose_names,
        action_names=ACTION_NAMES,
        channel_names=CHANNEL_NAMES,
    )
