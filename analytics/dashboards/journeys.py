"""Veier mellom varer: which product pages are viewed one after another (R2.2)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import figures, reading
from analytics.dashboards.common import freshness_notes, with_product_names
from analytics.metrics import (
    CHANGE,
    INT,
    TEXT,
    Column,
    Dashboard,
    Figure,
    Table,
    suppress,
    top,
    was_suppressed,
    with_previous,
)
from analytics.models import TransitionDay
from analytics.periods import Period

KEYS = ["from_product_id", "to_product_id"]
TOP = 30
SANKEY_LINKS = 15


def build(period: Period, today: date) -> Dashboard:
    now = reading.sums(TransitionDay, period, KEYS, ["transitions"], today=today)
    before = reading.sums(TransitionDay, period.previous(), KEYS, ["transitions"], today=today)
    frame = with_previous(top(now, "transitions", TOP), before, KEYS, "transitions")
    frame = with_product_names(frame, "from_product_id", "from_")
    frame = with_product_names(frame, "to_product_id", "to_")
    frame = suppress(frame, ["transitions", "transitions_prev"])
    table = Table(
        "varer-etter-hverandre",
        "Varer sett etter hverandre",
        [
            Column("from_title", "Først", TEXT),
            Column("to_title", "Deretter", TEXT),
            Column("to_category", "Kategori (deretter)", TEXT),
            Column("transitions", "Ganger", INT),
            Column("transitions_prev", "Forrige periode", INT),
            Column("transitions_change", "Endring", CHANGE),
        ],
        frame,
        note="Neste vareside i samme besøk, med andre sider imellom; samme vare to ganger "
        "på rad telles ikke. Bare besøkende med samtykke til statistikk.",
        suppressed=was_suppressed(frame, ["transitions"]),
    )
    dashboard = Dashboard(
        "journeys",
        "Veier mellom varer",
        "Hvilke varer besøkende ser på etter hverandre: hva de sammenligner, og hva som "
        "leder videre.",
        notes=freshness_notes(period, today),
        tables=[table],
    )
    links = frame.dropna(subset=["transitions"]).head(SANKEY_LINKS)
    if len(links):
        links = _distinct_labels(links)
        dashboard.figures.append(
            Figure(
                "sankey",
                "De vanligste veiene fra vare til vare",
                figures.sankey(links),
                note="Til venstre varen som ble sett først, til høyre den som ble sett rett etter.",
            )
        )
    return dashboard


def _distinct_labels(links: pd.DataFrame) -> pd.DataFrame:
    """Two products with the same title must stay two nodes: add the id when titles clash."""
    links = links.copy()
    for side in ("from", "to"):
        titles, ids = links[f"{side}_title"], links[f"{side}_product_id"].astype(str)
        shared = ids.groupby(titles).transform("nunique") > 1
        links[f"{side}_label"] = titles.where(~shared, titles + " (#" + ids + ")")
    return links
