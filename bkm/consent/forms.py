"""The one consent form: the banner, the settings page and the new-terms page all post it."""

from __future__ import annotations

from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, InputRequired

from bkm.consent.registry import Purpose
from bkm.forms import BaseForm

HANDLINGS = ("godta-alle", "avsla-alle", "tilpass", "lagre")
FORM_CHANNELS = ("banner", "settings", "login", "mypage")
UNKNOWN_PURPOSE = "Ukjent formål. Last siden på nytt og prøv igjen."


class ConsentForm(BaseForm):
    # Set by the button that was pressed: the three choices are buttons of one form.
    handling = StringField(
        validators=[
            InputRequired("Velg «Godta alle», «Avslå alle» eller «Tilpass»."),
            AnyOf(HANDLINGS, message="Ukjent valg. Last siden på nytt og prøv igjen."),
        ]
    )
    formaal = SelectMultipleField(choices=[], invalid_choice_message=UNKNOWN_PURPOSE)
    kanal = HiddenField(
        default="banner",
        validators=[
            AnyOf(FORM_CHANNELS, message="Ukjent skjema. Last siden på nytt og prøv igjen.")
        ],
    )
    neste = HiddenField()

    def offer(self, purposes: tuple[Purpose, ...]) -> ConsentForm:
        self.formaal.choices = [(p.key, p.name) for p in purposes]
        return self

    def wanted(self, offered: frozenset[str]) -> frozenset[str]:
        if self.handling.data == "godta-alle":
            return offered
        if self.handling.data == "avsla-alle":
            return frozenset()
        return frozenset(self.formaal.data or ())

    def first_error(self) -> str:
        for errors in self.errors.values():
            if errors:
                return errors[0]
        return "Ugyldig valg."
