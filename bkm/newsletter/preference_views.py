"""The customer's say on sales calls and catalogues (R3.7), saved from /konto/markedsforing.

The form is the partial templates/newsletter/_contact_preferences.html; the marketing page
includes it and calls `contact_preferences()` (a template global registered here) for the
logged-in customer's current answers, so it need not pass anything itself.
"""

from __future__ import annotations

from flask import flash, redirect, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from wtforms import BooleanField
from wtforms.validators import ValidationError

from bkm.accounts.roles import require_role
from bkm.extensions import db
from bkm.forms import BaseForm
from bkm.newsletter import bp
from bkm.newsletter.models import ContactPreference
from bkm.newsletter.preferences import preferences_of, set_calls, set_catalogues
from bkm.urls import safe_local_path

MARKETING_PAGE = "newsletter.marketing"  # where the answer returns to unless the form says
YES = "ja"


class YesBox(BooleanField):
    """A checkbox that is either missing (no) or sends exactly "ja" (yes); anything else is
    an error rather than a yes, so a forged or garbled post changes nothing."""

    def pre_validate(self, form) -> None:
        if self.raw_data not in ([], [YES]):
            raise ValidationError("Vi forsto ikke svaret. Kryss av eller fjern krysset.")


class ContactPreferenceForm(BaseForm):
    ringe = YesBox("Ja, dere kan ringe meg med tilbud")
    kataloger = YesBox("Ja, send meg kataloger i posten")


@bp.app_context_processor
def _contact_preferences() -> dict:
    def contact_preferences() -> ContactPreference | None:
        """The logged-in customer's answers (unsaved defaults if never asked); None for others."""
        if not (current_user.is_authenticated and current_user.role == "customer"):
            return None
        try:
            return preferences_of(current_user.id)
        except SQLAlchemyError:  # an error page must still render if the database failed
            db.session.rollback()
            return None

    return {"contact_preferences": contact_preferences}


@bp.post("/konto/markedsforing/kontakt")
def save_contact_preferences():
    if refused := require_role("customer"):
        return refused
    form = ContactPreferenceForm()
    back = safe_local_path(request.form.get("neste"), MARKETING_PAGE)
    if not form.validate():
        flash("Vi forsto ikke svaret ditt. Ingenting er endret, prøv igjen.", "error")
        return redirect(back, code=303)
    customer = current_user._get_current_object()
    changed = set_calls(customer, form.ringe.data, "mypage")
    changed = set_catalogues(customer, form.kataloger.data, "mypage") or changed
    db.session.commit()
    if changed:
        flash(_summary(form.ringe.data, form.kataloger.data), "success")
    else:
        flash("Ingen endringer. Valgene dine er som før.", "info")
    return redirect(back, code=303)


def _summary(calls: bool, catalogues: bool) -> str:
    said = [
        "Vi kan ringe deg med tilbud" if calls else "Vi ringer deg ikke med tilbud",
        "vi sender deg kataloger i posten" if catalogues else "vi sender deg ikke kataloger",
    ]
    return f"Valgene dine er lagret. {said[0]}, og {said[1]}."
