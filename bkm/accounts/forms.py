from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from bkm.accounts.registration import MIN_PASSWORD_LENGTH, CustomerDetails
from bkm.forms import (
    BaseForm,
    MaxLength,
    OrgNumber,
    Phone,
    Postcode,
    RequiredIf,
    SingleLine,
    strip_text,
)

EMAIL_FORMAT = "Skriv en gyldig e-postadresse, for eksempel navn@firma.no."
NEWSLETTER_LABEL = (
    "Ja, send meg nyhetsbrev med nyheter og tilbud på e-post. Du kan melde deg av når som helst."
)


def newsletter_box() -> BooleanField:
    """The newsletter's own box (R3.8): never ticked in advance, apart from every other consent.
    Ticking it only asks; the subscription counts once the link in the mail is opened."""
    return BooleanField(NEWSLETTER_LABEL, default=False)


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


def _text(label: str, required: str, limit: int, *more, too_long: str | None = None) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(required), MaxLength(limit, too_long), SingleLine(), *more],
        filters=[strip_text],
    )


def _email_field(label: str = "E-post") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired("Skriv inn e-postadresse."),
            MaxLength(254),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
        filters=[strip_text],
    )


class CustomerDetailsForm(BaseForm):
    """Name, address and contact details; for a business also company and org.nr (R2.1)."""

    customer_type = RadioField(
        "Kundetype",
        choices=[SelectChoice("private", "Privatperson"), SelectChoice("business", "Bedrift")],
        invalid_choice_message="Velg privatperson eller bedrift.",
    )
    company_name = StringField(
        "Firmanavn",
        validators=[
            RequiredIf("customer_type", "business", "Skriv inn firmanavn."),
            MaxLength(200),
            SingleLine(),
        ],
        filters=[strip_text],
    )
    org_number = StringField(
        "Organisasjonsnummer",
        validators=[
            RequiredIf("customer_type", "business", "Skriv inn organisasjonsnummer."),
            MaxLength(20, "Organisasjonsnummeret må være ni siffer, for eksempel 974 408 597."),
            OrgNumber(),
        ],
        filters=[strip_text],
    )
    name = _text("Fullt navn", "Skriv inn fullt navn.", 200)
    street = _text("Gateadresse", "Skriv inn gateadresse.", 200)
    postcode = _text(
        "Postnummer", "Skriv inn postnummer.", 20, Postcode(), too_long=Postcode().message
    )
    city = _text("Poststed", "Skriv inn poststed.", 100)
    email = _email_field()
    phone = TelField(
        "Telefon",
        validators=[DataRequired("Skriv inn telefonnummer."), MaxLength(30), Phone()],
        filters=[strip_text],
    )

    def details(self) -> CustomerDetails:
        """The validated input for the rules (call validate() first)."""
        business = self.customer_type.data == "business"
        return CustomerDetails(
            name=self.name.data,
            email=self.email.data,
            phone=self.phone.data,
            street=self.street.data,
            postcode=self.postcode.data,
            city=self.city.data,
            customer_type=self.customer_type.data,
            company_name=self.company_name.data if business else None,
            org_number=self.org_number.data if business else None,
        )


def _new_password_fields():
    password = PasswordField(
        "Passord",
        validators=[
            DataRequired("Velg et passord."),
            MaxLength(200, "Passordet kan ha maks 200 tegn."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.",
            ),
        ],
    )
    confirm = PasswordField(
        "Gjenta passordet",
        validators=[
            DataRequired("Skriv passordet en gang til."),
            EqualTo("password", "Passordene er ikke like."),
        ],
    )
    return password, confirm


class RegistrationForm(CustomerDetailsForm):
    password, password_confirm = _new_password_fields()
    # Optional consents, none ticked; the view offers the purposes from the consent registry.
    formaal = SelectMultipleField(
        choices=[], invalid_choice_message="Ukjent samtykke. Last siden på nytt og prøv igjen."
    )
    nyhetsbrev = newsletter_box()


class NewPasswordForm(BaseForm):
    password, password_confirm = _new_password_fields()


class PasswordResetRequestForm(BaseForm):
    email = _email_field()


class ResendVerificationForm(BaseForm):
    """Only the CSRF token: the button acts on the logged-in customer."""
