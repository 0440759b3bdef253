"""Managers write the privacy statement at /admin/personvern: drafts, preview, publishing.

A draft starts from the text in force. "Lagre utkast" stores it; "Publiser" stores it and
puts it in force with the next version number (bkm.consent.policy). A published version is
read-only: the next change is a new draft. A refused step stores nothing and says why.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, StopValidation

from bkm.admin.privacy import bp, one_line
from bkm.consent.models import PolicyVersion
from bkm.consent.policy import (
    PolicyError,
    current_version,
    drafts,
    publish,
    published_versions,
    snapshot,
    start_draft,
    update_draft,
)
from bkm.consent.policy_text import parse
from bkm.extensions import db
from bkm.forms import BaseForm, MaxLength, SingleLine, has_control_characters

MAX_BODY = 100_000  # the shipped statement is about 10 000 characters
MAX_SUMMARY = 500  # PolicyVersion.change_summary
LAYOUT = {ord("\n"): None, ord("\t"): None}
RACE = "En annen leder publiserte en versjon samtidig. Last siden på nytt og prøv igjen."
UNREADABLE = "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen."
PUBLISHED_IS_FINAL = "Versjon {n} er publisert og kan ikke endres. Lag en ny versjon."


def normalise_newlines(value):
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def text_characters_only(form, field) -> None:
    """Line breaks and tabs belong in the text; NUL and other control characters do not."""
    if isinstance(field.data, str) and has_control_characters(field.data.translate(LAYOUT)):
        raise StopValidation("Teksten inneholder tegn som ikke er tillatt.")


class PolicyDraftForm(BaseForm):
    body = TextAreaField(
        "Tekst",
        validators=[
            MaxLength(MAX_BODY, "Teksten kan ha maks 100 000 tegn."),
            DataRequired("Skriv teksten til personvernerklæringen."),
            text_characters_only,
        ],
        filters=[normalise_newlines],
    )
    change_summary = StringField(
        "Hva er endret",
        validators=[
            MaxLength(MAX_SUMMARY, f"«Hva er endret» kan ha maks {MAX_SUMMARY} tegn."),
            SingleLine(),
        ],
        filters=[one_line],
    )
    requires_consent = BooleanField("Krever nytt samtykke")
    save = SubmitField("Lagre utkast")
    publish = SubmitField("Publiser")


class NewDraftForm(BaseForm):
    """The "Ny versjon" button: a CSRF token and nothing else."""


def _version_or_404(version_id: int) -> PolicyVersion:
    version = db.session.get(PolicyVersion, version_id)
    if version is None:
        raise NotFound()
    return version


@bp.get("/personvern")
def versions():
    return render_template(
        "admin/policy_versions.html",
        drafts=drafts(),
        published=published_versions(),
        in_force=snapshot().version,
        new_form=NewDraftForm(formdata=None),
    )


@bp.post("/personvern/ny")
def new_version():
    if not NewDraftForm().validate_on_submit():
        flash(UNREADABLE, "error")
        return redirect(url_for("admin.privacy.versions"), 303)
    draft = start_draft(current_user.id)
    db.session.commit()
    return redirect(url_for("admin.privacy.version", version_id=draft.id), 303)


@bp.route("/personvern/<int:version_id>", methods=["GET", "POST"])
def version(version_id: int):
    shown = _version_or_404(version_id)
    if shown.is_published:
        if request.method == "POST":  # a draft's form left open in another tab
            flash(PUBLISHED_IS_FINAL.format(n=shown.version), "error")
            return redirect(url_for("admin.privacy.version", version_id=shown.id), 303)
        return render_template(
            "admin/policy_version.html", shown=shown, blocks=parse(shown.body), form=None
        )

    form = PolicyDraftForm(obj=shown)
    if form.validate_on_submit():
        try:
            update_draft(
                shown,
                body=form.body.data,
                change_summary=form.change_summary.data or "",
                requires_consent=form.requires_consent.data,
            )
            if form.publish.data:
                publish(shown, current_user.id)
        except PolicyError as refused:
            db.session.rollback()  # neither the text nor the publishing is kept
            form.form_errors.append(str(refused))
        except IntegrityError:  # the same version number, given twice at once
            db.session.rollback()
            form.form_errors.append(RACE)
        else:
            db.session.commit()
            return _saved(shown)
    elif request.method == "POST" and form.csrf_token.errors:
        form.form_errors.append(UNREADABLE)
    shown = _version_or_404(version_id)  # a rollback expired it
    in_force = current_version()
    return render_template(
        "admin/policy_version.html",
        shown=shown,
        blocks=parse(form.body.data or shown.body),
        form=form,
        # published after this draft began: the draft may lack its changes
        overtaken_by=in_force if in_force.published_at > shown.created_at else None,
    )


def _saved(version: PolicyVersion):
    if not version.is_published:
        flash("Utkastet er lagret. Det er ikke publisert ennå.", "success")
        return redirect(url_for("admin.privacy.version", version_id=version.id), 303)
    message = f"Versjon {version.version} av personvernerklæringen er publisert og gjelder fra nå."
    if version.requires_consent:
        message += (
            " Kundene blir bedt om nytt samtykke når de logger inn, og banneret spør "
            "besøkende på nytt."
        )
    flash(message, "success")
    return redirect(url_for("admin.privacy.versions"), 303)
