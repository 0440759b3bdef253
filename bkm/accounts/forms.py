from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from bkm.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField(
        "E-post",
        validators=[
            DataRequired("Skriv inn e-postadressen din."),
            Email("Skriv en gyldig e-postadresse.", check_deliverability=False),
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Passord", validators=[DataRequired("Skriv inn passordet ditt."), Length(max=200)]
    )
    remember = BooleanField("Husk meg")
