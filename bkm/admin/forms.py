from __future__ import annotations

from wtforms import RadioField, SearchField, SelectChoice

from bkm.accounts.forms import CustomerDetailsForm
from bkm.forms import MaxLength, QueryForm, SingleLine, strip_text


class StaffCustomerForm(CustomerDetailsForm):
    """A customer who called, wrote or came by, registered by staff without a password (R2.1)."""

    channel = RadioField(
        "Kunden tok kontakt på",
        choices=[
            SelectChoice("phone", "Telefon"),
            SelectChoice("email", "E-post"),
            SelectChoice("in_person", "Oppmøte"),
        ],
        invalid_choice_message="Velg hvordan kunden tok kontakt.",
    )


class CustomerSearchForm(QueryForm):
    q = SearchField(
        "Søk etter navn, e-post, telefon eller firma",
        validators=[MaxLength(100, "Søket kan ha maks 100 tegn."), SingleLine()],
        filters=[strip_text],
    )
