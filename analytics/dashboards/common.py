"""What several dashboards share: the notices about what the figures cover, product names."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import labels, reading, sources
from analytics.periods import Period

CONSENTING_ONLY = (
    "Bare besøkende som har samtykket til statistikk har besøk og besøkende; "
    "sidevisninger uten samtykke telles uten å kunne knyttes sammen."
)


def freshness_notes(period: Period, today: date) -> list[str]:
    notes = []
    missing = reading.unrolled_days(period, today=today)
    if missing:
        notes.append(
            f"{missing} avsluttede dager i perioden er ikke summert ennå, og mangler i tallene. "
            "Kjør «flask --app wsgi analytics rollup» (det gjøres vanligvis hver natt)."
        )
    if period.contains(today):
        notes.append("Dagens tall regnes ut fra rådata og kan være opptil et minutt gamle.")
    return notes


def with_product_names(
    frame: pd.DataFrame, column: str = "product_id", prefix: str = ""
) -> pd.DataFrame:
    """Adds `<prefix>title` and `<prefix>category` for the ids in `column`."""
    known = sources.products(frame[column].tolist()).set_index("product_id")
    categories = sources.category_names()
    ids = frame[column].astype("int64")
    titles = ids.map(known["title"]) if len(known) else pd.Series(index=ids.index, dtype=object)
    category_ids = (
        ids.map(known["category_id"]) if len(known) else pd.Series(index=ids.index, dtype=object)
    )
    frame = frame.copy()
    frame[f"{prefix}title"] = titles.fillna(labels.DELETED_PRODUCT)
    frame[f"{prefix}category"] = category_ids.map(categories).fillna(labels.NO_CATEGORY)
    return frame


def category_label(category_ids: pd.Series) -> pd.Series:
    names = sources.category_names()
    return category_ids.astype("int64").map(names).fillna(labels.NO_CATEGORY)
