"""The checkout form: the buyer (Privat or Bedrift), delivery, payment and the terms box.

The buyer's fields are the registration form's (bkm.accounts.forms), so checkout and
registration refuse the same input with the same Norwegian messages.
"""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired

from bkm.accounts.forms import CustomerDetailsForm, newsletter_box
from bkm.forms import MaxLength, Postcode, SingleLine, strip_text
from bkm.orders.placing import CheckoutDetails

PAYMENT_AT_PICKUP_NEEDS_PICKUP = (
    "Betaling ved henting kan bare velges når du henter varene selv. Velg faktura, eller "
    "velg «Hent selv i Elverum»."
)


def _optional_text(label: str, limit: int, *more) -> StringField:
    return StringField(
        label, validators=[MaxLength(limit), SingleLine(), *more], filters=[strip_text]
    )


class CheckoutForm(CustomerDetailsForm):
    customer_type = RadioField(
        "Jeg handler som",
        choices=[SelectChoice("private", "Privat"), SelectChoice("business", "Bedrift")],
        invalid_choice_message="Velg om du handler som privatperson eller bedrift.",
    )
    delivery_method = RadioField(
        "Hvordan vil du få varene?",
        choices=[
            SelectChoice("pickup", "Hent selv i Elverum (gratis)"),
            SelectChoice("delivery", "Levering"),
        ],
        invalid_choice_message="Velg om du vil hente selv eller få varene levert.",
    )
    delivery_street = _optional_text("Gateadresse for levering", 200)
    delivery_postcode = _optional_text(
        "Postnummer", 20, Postcode("Postnummeret for leveringen må være fire siffer.")
    )
    delivery_city = _optional_text("Poststed", 100)
    payment_method = RadioField(
        "Hvordan vil du betale?",
        choices=[
            SelectChoice("invoice", "Faktura (14 dager)"),
            SelectChoice("pickup", "Betaling ved henting"),
        ],
        invalid_choice_message="Velg hvordan du vil betale.",
    )
    accept_terms = BooleanField(
        "Jeg har lest salgsbetingelsene",
        validators=[DataRequired("Du må bekrefte at du har lest salgsbetingelsene.")],
    )
    nyhetsbrev = newsletter_box()  # optional and apart from the terms (R3.8)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.payment_method.data == "pickup" and self.delivery_method.data == "delivery":
            self.payment_method.errors = [
                *self.payment_method.errors,
                PAYMENT_AT_PICKUP_NEEDS_PICKUP,
            ]
            valid = False
        if self.delivery_method.data == "delivery":
            parts = (self.delivery_street, self.delivery_postcode, self.delivery_city)
            if any(f.data for f in parts) and not all(f.data for f in parts):
                for f in parts:
                    if not f.data and not f.errors:
                        f.errors = [
                            "Fyll ut hele leveringsadressen, eller la alle tre feltene stå tomme "
                            "for å få varene levert til adressen over."
                        ]
                valid = False
        return valid

    def checkout_details(self) -> CheckoutDetails:
        """The validated input for place_order (call validate() first)."""
        details = self.details().normalised()
        business = details.customer_type == "business"
        delivery = self.delivery_method.data == "delivery"
        other_address = delivery and bool(self.delivery_street.data)
        return CheckoutDetails(
            customer_type=details.customer_type,
            name=details.name,
            email=details.email,
            phone=details.phone,
            street=details.street,
            postcode=details.postcode,
            city=details.city,
            company_name=details.company_name if business else None,
            org_number=details.org_number if business else None,
            delivery_method=self.delivery_method.data,
            payment_method=self.payment_method.data,
            delivery_street=self.delivery_street.data if other_address else None,
            delivery_postcode=self.delivery_postcode.data if other_address else None,
            delivery_city=self.delivery_city.data if other_address else None,
        )
