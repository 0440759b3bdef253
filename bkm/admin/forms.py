from __future__ import annotations

from wtforms import RadioField, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import Optional

from bkm.accounts.forms import CustomerDetailsForm
from bkm.forms import BaseForm, MaxLength, QueryForm, SingleLine, strip_text
from bkm.orders.statuses import LABELS


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


STATUS_FILTERS = [SelectChoice("", "Alle statuser")] + [
    SelectChoice(code, text) for code, text in LABELS.items()
]
SHIPPING_METHODS = [
    SelectChoice("Bring", "Bring"),
    SelectChoice("PostNord", "PostNord"),
    SelectChoice("egen bil", "Egen bil"),
]
MAX_QUANTITY_DIGITS = 6


class OrderSearchForm(QueryForm):
    q = SearchField(
        "Søk etter ordrenummer, navn eller e-post",
        validators=[MaxLength(100, "Søket kan ha maks 100 tegn."), SingleLine()],
        filters=[strip_text],
    )
    status = SelectField(
        "Status",
        choices=STATUS_FILTERS,
        default="",
        invalid_choice_message="Velg en status fra listen.",
    )


class OrderActionForm(BaseForm):
    """Confirm, mark picked up, cancel: a button with a CSRF token and nothing else."""


class ShipmentForm(BaseForm):
    method = SelectField(
        "Sendes med",
        choices=SHIPPING_METHODS,
        invalid_choice_message="Velg hvordan varene sendes.",
    )
    tracking = StringField(
        "Sporingsnummer (valgfritt)",
        validators=[
            Optional(),
            MaxLength(100, "Sporingsnummeret kan ha maks 100 tegn."),
            SingleLine(),
        ],
        filters=[strip_text],
    )


class BadQuantity(ValueError):
    """A quantity field staff filled in wrongly; the message is in Norwegian."""


def parse_quantities(data, remaining: dict[int, tuple[str, int]]) -> dict[int, int]:
    """{order_line_id: units} from the fields `antall-<line id>` of a shipment form.

    `remaining` is {line id: (title, units left)}. Empty means 0. Anything but a whole
    number from 0 to what is left raises BadQuantity naming the line.
    """
    quantities: dict[int, int] = {}
    for line_id, (title, left) in remaining.items():
        raw = (data.get(f"antall-{line_id}") or "").strip()
        if raw == "":
            continue
        too_long = len(raw) > MAX_QUANTITY_DIGITS
        if too_long or not (raw.isascii() and raw.isdigit()) or int(raw) > left:
            raise BadQuantity(f"Antall for «{title}» må være et helt tall fra 0 til {left}.")
        if int(raw):
            quantities[line_id] = int(raw)
    if not quantities:
        raise BadQuantity("Skriv inn antall for minst én vare som sendes.")
    return quantities


class CreditNoteForm(BaseForm):
    reason = StringField(
        "Hvorfor krediteres fakturaen?",
        validators=[
            MaxLength(500, "Begrunnelsen kan ha maks 500 tegn."),
            SingleLine(),
        ],
        filters=[strip_text],
    )
