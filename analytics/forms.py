"""The date range form at the top of every dashboard (a GET form: links can be shared)."""

from __future__ import annotations

from datetime import date

from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from analytics.periods import (
    CUSTOM,
    DEFAULT_PRESET,
    EARLIEST,
    MAX_DAYS,
    PRESETS,
    Period,
    preset_period,
)
from bkm.forms import NorwegianDateField, QueryForm

DATE_HINT = "Skriv datoen som 24.11.2026."


class PeriodForm(QueryForm):
    periode = SelectField(
        "Periode",
        choices=[
            *(SelectChoice(key, label) for key, (label, _days) in PRESETS.items()),
            SelectChoice(CUSTOM, "Egen periode"),
        ],
        default=DEFAULT_PRESET,
        validate_choice=False,  # checked in validate_periode with a Norwegian message
    )
    fra = NorwegianDateField(
        "Fra", f"«Fra» er ikke en gyldig dato. {DATE_HINT}", validators=[Optional()]
    )
    til = NorwegianDateField(
        "Til", f"«Til» er ikke en gyldig dato. {DATE_HINT}", validators=[Optional()]
    )

    def validate_periode(self, field) -> None:
        if field.data not in PRESETS and field.data != CUSTOM:
            field.data = DEFAULT_PRESET
            raise ValidationError("Velg en av periodene i listen.")

    def is_custom(self) -> bool:
        return self.periode.data == CUSTOM

    def period(self, today: date) -> Period | None:
        """The chosen period, or None with the reason in the fields' errors."""
        if not self.validate():
            return None
        if not self.is_custom():
            return preset_period(self.periode.data, today)
        start, end = self.fra.data, self.til.data
        if start is None or end is None:
            missing = self.fra if start is None else self.til
            missing.errors.append(
                f"Skriv inn både fra- og til-dato for en egen periode. {DATE_HINT}"
            )
            return None
        problems = [
            (start > end, self.fra, "«Fra» må være samme dag som eller før «til»."),
            (end > today, self.til, f"«Til» kan ikke være etter i dag ({today:%d.%m.%Y})."),
            (start < EARLIEST, self.fra, f"«Fra» kan ikke være før {EARLIEST:%d.%m.%Y}."),
            ((end - start).days + 1 > MAX_DAYS, self.til, "Velg høyst tre år om gangen."),
        ]
        for broken, field, message in problems:
            if broken:
                field.errors.append(message)
                return None
        return Period(start, end)

    def query_args(self) -> dict[str, str]:
        """The period as query arguments, to carry it from one dashboard to the next."""
        if self.is_custom() and self.fra.data and self.til.data:
            return {
                "periode": CUSTOM,
                "fra": self.fra.data.isoformat(),
                "til": self.til.data.isoformat(),
            }
        return {"periode": self.periode.data if self.periode.data in PRESETS else DEFAULT_PRESET}
