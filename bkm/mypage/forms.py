"""Min side's own forms: the profile (the customer details form) and the privacy contact form."""

from __future__ import annotations

from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from bkm.accounts.forms import CustomerDetailsForm
from bkm.cases.models import MAX_BODY, MAX_SUBJECT
from bkm.forms import BaseForm, MaxLength, SingleLine, strip_text

PRIVACY_SUBJECT = "Personopplysninger"


class ProfileForm(CustomerDetailsForm):
    """The customer's details as at registration (R9.1). A new e-mail address also needs the
    password: whoever controls the address controls the account."""

    password = PasswordField("Passord", validators=[MaxLength(200)])


class PrivacyContactForm(BaseForm):
    """A question about personal data that the customer cannot settle on Min side (R9.2, R9.6)."""

    subject = StringField(
        "Emne",
        default=PRIVACY_SUBJECT,
        validators=[DataRequired("Skriv et emne."), MaxLength(MAX_SUBJECT), SingleLine()],
        filters=[strip_text],
    )
    body = TextAreaField(
        "Hva gjelder det?",
        validators=[
            DataRequired("Skriv hva henvendelsen gjelder."),
            Length(max=MAX_BODY, message=f"Meldingen kan ha maks {MAX_BODY} tegn."),
        ],
        filters=[strip_text],
    )
