"""Base forms with WTForms' Norwegian messages, and the shop's shared field rules.

The rules (postcode, phone, organisation number) are plain functions first, so rules and
tests call them directly; the WTForms validators below wrap them with Norwegian messages.
Registration, staff registration and later checkout all use the same ones.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import StopValidation, ValidationError

from bkm.clock import oslo_today

PHONE_REGION = "NO"
ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


MAX_ID_DIGITS = 9  # every row id fits a 32-bit integer column


def is_row_id(value: str) -> bool:
    """A posted row id: plain ASCII digits short enough for any id column (a longer number
    is no row of ours, and would overflow the column's type in the query)."""
    return value.isascii() and value.isdigit() and 0 < len(value) <= MAX_ID_DIGITS


NUL = "\x00"
NUL_MESSAGE = "Feltet inneholder tegn som ikke er tillatt."


class BaseForm(FlaskForm):
    class Meta:
        locales = ("nb_NO", "nb")

    def validate(self, extra_validators=None) -> bool:
        """The fields' own rules, and for every field: no NUL character. PostgreSQL cannot
        store one in text and SQLite would keep it silently, so no form lets one through."""
        valid = super().validate(extra_validators)
        for field in self:
            raw = field.raw_data or []
            if any(isinstance(value, str) and NUL in value for value in raw):
                if NUL_MESSAGE not in field.errors:
                    field.errors = [*field.errors, NUL_MESSAGE]
                valid = False
        return valid


class NorwegianDateField(DateField):
    """A date from <input type="date"> (2026-11-24) or typed the Norwegian way (24.11.2026)."""

    def __init__(self, label, message: str, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs)
        self.message = message

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.message) from error


def not_in_future(message: str):
    """A validator: the date may be today (in Oslo) or earlier."""

    def check(form, field) -> None:
        if field.data is not None and field.data > oslo_today():
            raise StopValidation(message)

    return check


class QueryForm(BaseForm):
    """A GET form read from the query string: no CSRF, nothing changes state."""

    class Meta:
        csrf = False
        locales = ("nb_NO", "nb")


# ---------- Plain rules ----------


def is_valid_postcode(value: str) -> bool:
    """A Norwegian postcode: exactly four ASCII digits."""
    return len(value) == 4 and value.isascii() and value.isdigit()


def _digits_only(value: str) -> str:
    """'974 408 597' -> '974408597'; spaces, dots and dashes people type are dropped."""
    return "".join(ch for ch in value if ch not in " .-\u00a0")


def normalise_org_number(value: str) -> str:
    """The nine digits of an organisation number; ValueError when it is not a valid one."""
    digits = _digits_only(value.strip())
    if not is_valid_org_number(digits):
        raise ValueError(f"not a valid organisation number: {value!r}")
    return digits


def is_valid_org_number(value: str) -> bool:
    """Nine digits whose last is the mod-11 check digit (weights 3 2 7 6 5 4 3 2)."""
    if len(value) != 9 or not (value.isascii() and value.isdigit()):
        return False
    remainder = sum(int(d) * w for d, w in zip(value[:8], ORG_NUMBER_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return False  # no check digit exists: such numbers are never issued
    check = 0 if remainder == 0 else 11 - remainder
    return int(value[8]) == check


def format_org_number(value: str | None) -> str:
    """'974408597' -> '974 408 597', the way Brønnøysundregistrene write it."""
    if not value:
        return ""
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 9 else value


def _parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    if not value or len(value) > 40:
        return None
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not (phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number)):
        return None
    return number


def is_valid_phone(value: str) -> bool:
    return _parse_phone(value) is not None


def normalise_phone(value: str) -> str:
    """E.164 (+4741234567) for a valid number, Norwegian unless it has a country code."""
    number = _parse_phone(value.strip())
    if number is None:
        raise ValueError(f"not a valid phone number: {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str | None) -> str:
    """For people: '41 23 45 67' for Norwegian numbers, '+46 70 123 45 67' for others."""
    if not value:
        return ""
    number = _parse_phone(value)
    if number is None:
        return value
    if phonenumbers.region_code_for_number(number) == PHONE_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def has_control_characters(value: str) -> bool:
    """Tabs, newlines, NUL and the like: never part of a name or an address line."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value)


# ---------- Filters and validators for WTForms ----------


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class MaxLength:
    """Stops the chain at once for over-long input, so no other rule chews on 10 kB."""

    def __init__(self, limit: int, message: str | None = None) -> None:
        self.limit = limit
        self.message = message or f"Maks {limit} tegn."
        self.field_flags = {"maxlength": limit}

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and len(field.data) > self.limit:
            raise StopValidation(self.message)


class SingleLine:
    """Refuses control characters (NUL, tabs, line breaks) in one-line text fields."""

    def __init__(self, message: str = NUL_MESSAGE) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and has_control_characters(field.data):
            raise StopValidation(self.message)


class RequiredIf:
    """Required when another field has a given value; otherwise not validated at all, since
    the form does not ask for it (company fields of a private customer are ignored)."""

    def __init__(self, other: str, value: str, message: str) -> None:
        self.other = other
        self.value = value
        self.message = message

    def __call__(self, form, field) -> None:
        if form[self.other].data != self.value:
            field.errors[:] = []
            raise StopValidation()
        if not field.data:
            raise StopValidation(self.message)


class Postcode:
    def __init__(self, message: str = "Postnummeret må være fire siffer, for eksempel 2411."):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not is_valid_postcode(field.data):
            raise ValidationError(self.message)


class Phone:
    def __init__(
        self,
        message: str = (
            "Telefonnummeret er ikke gyldig. Skriv et norsk nummer med åtte siffer, "
            "eller et utenlandsk nummer med landskode (for eksempel +46)."
        ),
    ):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not is_valid_phone(field.data):
            raise ValidationError(self.message)


class OrgNumber:
    def __init__(
        self,
        length_message: str = "Organisasjonsnummeret må være ni siffer, for eksempel 974 408 597.",
        checksum_message: str = (
            "Organisasjonsnummeret er ikke gyldig. Sjekk at alle sifrene er riktige."
        ),
    ):
        self.length_message = length_message
        self.checksum_message = checksum_message

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        digits = _digits_only(field.data)
        if len(digits) != 9 or not (digits.isascii() and digits.isdigit()):
            raise ValidationError(self.length_message)
        if not is_valid_org_number(digits):
            raise ValidationError(self.checksum_message)
