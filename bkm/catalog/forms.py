"""The category page's filter form, read from the query string."""

from __future__ import annotations

from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from bkm.catalog.listing import DEFAULT_SORT, SORTS, ListingFilters
from bkm.catalog.models import CONDITION_GRADES
from bkm.forms import QueryForm
from bkm.money import parse_kr


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _kroner(form, field) -> None:
    if not field.data:
        return
    try:
        amount = parse_kr(field.data)
    except ValueError:
        raise ValidationError("Skriv et beløp i kroner, for eksempel 1500.") from None
    if amount > 100_000_000:
        raise ValidationError("Beløpet er for stort.")


class ListingFilterForm(QueryForm):
    min_pris = StringField("Fra kr", validators=[Optional(), _kroner])
    maks_pris = StringField("Til kr", validators=[Optional(), _kroner])
    tilstand = CheckboxListField(
        "Tilstand",
        choices=[
            SelectChoice(grade, f"{grade} – {label}")
            for grade, (label, _) in CONDITION_GRADES.items()
        ],
        validate_choice=False,
    )
    merke = CheckboxListField("Merke", choices=[], validate_choice=False)
    pa_lager = BooleanField("Bare varer på lager")
    sorter = SelectField(
        "Sorter etter",
        choices=[SelectChoice(key, label) for key, (label, _) in SORTS.items()],
        default=DEFAULT_SORT,
    )

    crossed_range = False

    def validate_maks_pris(self, field) -> None:
        low, high = self._amount(self.min_pris), self._amount(field)
        if low is not None and high is not None and high < low:
            self.crossed_range = True  # neither bound can be trusted: both are ignored
            raise ValidationError("Til-prisen må være høyere enn fra-prisen.")

    @staticmethod
    def _amount(field) -> int | None:
        try:
            return parse_kr(field.data) if field.data else None
        except ValueError:
            return None

    def to_filters(self) -> ListingFilters:
        """The filters that validated (call validate() first); a field in error is left out."""
        low = None if "min_pris" in self.errors else self._amount(self.min_pris)
        high = None if "maks_pris" in self.errors else self._amount(self.maks_pris)
        if self.crossed_range:
            low = high = None
        sort = self.sorter.data if self.sorter.data in SORTS else DEFAULT_SORT
        return ListingFilters(
            min_price_ore=low,
            max_price_ore=high,
            conditions=tuple(c for c in (self.tilstand.data or []) if c in CONDITION_GRADES),
            brands=tuple(b for b in (self.merke.data or []) if b)[:50],
            in_stock_only=bool(self.pa_lager.data),
            sort=sort,
        )
