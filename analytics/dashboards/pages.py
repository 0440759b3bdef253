"""Sider: the most-read pages (R6.2), entry and exit pages, exit rate, time on page."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import figures, labels, reading
from analytics.dashboards.common import CONSENTING_ONLY, freshness_notes
from analytics.metrics import (
    CHANGE,
    INT,
    PCT,
    SECONDS,
    TEXT,
    Column,
    Dashboard,
    Figure,
    Table,
    safe_ratio,
    suppress,
    top,
    was_suppressed,
    with_previous,
)
from analytics.models import PageDay
from analytics.periods import Period

KEYS = ["path", "page_type"]
MEASURES = ["views", "cookieless_views", "entries", "exits", "bounces", "time_ms", "timed_views"]
TOP = 25


def page_figures(period: Period, today: date) -> pd.DataFrame:
    frame = reading.sums(PageDay, period, KEYS, MEASURES, today=today)
    frame["all_views"] = frame["views"] + frame["cookieless_views"]
    return frame


def build(period: Period, today: date) -> Dashboard:
    now = page_figures(period, today)
    before = page_figures(period.previous(), today)
    dashboard = Dashboard(
        "pages",
        "Sider",
        "Hvilke sider som leses mest, hvor besøkene begynner og slutter, og hvor lenge "
        "hver side leses.",
        notes=[*freshness_notes(period, today), CONSENTING_ONLY],
    )
    read = _most_read(now, before)
    entries = _entries(now, before)
    exits = _exits(now, before)
    dashboard.tables = [read, entries, exits]
    shown = read.frame.head(15).dropna(subset=["all_views"])
    dashboard.figures = [
        Figure(
            "mest-leste",
            "Mest leste sider",
            figures.bars(
                shown["path"], shown["all_views"], shown["all_views_prev"], x_title="Sidevisninger"
            ),
        ),
    ]
    shown = entries.frame.head(10).dropna(subset=["entries"])
    dashboard.figures.append(
        Figure(
            "inngangssider",
            "Inngangssider: der besøkene begynner",
            figures.bars(shown["path"], shown["entries"], shown["entries_prev"], x_title="Besøk"),
        )
    )
    shown = exits.frame.head(10).dropna(subset=["exit_rate"])
    dashboard.figures.append(
        Figure(
            "utgangsrate",
            "Utgangsrate for sidene flest forlater nettbutikken fra",
            figures.bars(
                shown["path"],
                shown["exit_rate"],
                shown["exit_rate_prev"],
                x_title="Andel av sidevisningene",
                value_format=".0%",
            ),
        )
    )
    return dashboard


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(kind=frame["page_type"].map(labels.page_type))


def _most_read(now: pd.DataFrame, before: pd.DataFrame) -> Table:
    frame = with_previous(top(now, "all_views", TOP), before, KEYS, "all_views")
    frame["time_s"] = safe_ratio(frame["time_ms"], frame["timed_views"]) / 1000
    frame = suppress(
        _labelled(frame),
        ["all_views", "all_views_prev", "views", "cookieless_views", "timed_views"],
    )
    frame["time_s"] = frame["time_s"].where(frame["timed_views"].notna())
    return Table(
        "mest-leste",
        "Mest leste sider",
        [
            Column("path", "Side", TEXT),
            Column("kind", "Type", TEXT),
            Column("all_views", "Sidevisninger", INT),
            Column("views", "Med samtykke", INT),
            Column("cookieless_views", "Uten samtykke", INT),
            Column("all_views_prev", "Forrige periode", INT),
            Column("all_views_change", "Endring", CHANGE),
            Column("time_s", "Snittid på siden", SECONDS),
        ],
        frame,
        note="Tid på siden: til neste side i besøket, eller til siden ble forlatt "
        "(målt i nettleseren) for den siste.",
        suppressed=was_suppressed(frame, ["all_views", "views", "cookieless_views"]),
    )


def _entries(now: pd.DataFrame, before: pd.DataFrame) -> Table:
    frame = with_previous(top(now[now["entries"] > 0], "entries", TOP), before, KEYS, "entries")
    frame["bounce_rate"] = safe_ratio(frame["bounces"], frame["entries"])
    frame = suppress(_labelled(frame), ["entries", "entries_prev"])
    frame["bounce_rate"] = frame["bounce_rate"].where(frame["entries"].notna())
    return Table(
        "inngangssider",
        "Inngangssider",
        [
            Column("path", "Side", TEXT),
            Column("kind", "Type", TEXT),
            Column("entries", "Besøk som begynte her", INT),
            Column("bounce_rate", "Fluktfrekvens", PCT),
            Column("entries_prev", "Forrige periode", INT),
            Column("entries_change", "Endring", CHANGE),
        ],
        frame,
        note="Fluktfrekvens: andelen av besøkene som begynte her og ikke så flere sider.",
        suppressed=was_suppressed(frame, ["entries"]),
    )


def _exits(now: pd.DataFrame, before: pd.DataFrame) -> Table:
    current = now[now["exits"] > 0].assign(exit_rate=safe_ratio(now["exits"], now["views"]))
    previous = before.assign(exit_rate=safe_ratio(before["exits"], before["views"]))
    frame = with_previous(top(current, "exits", TOP), previous, KEYS, "exits")
    rates = previous[[*KEYS, "exit_rate"]].rename(columns={"exit_rate": "exit_rate_prev"})
    frame = frame.merge(rates, on=KEYS, how="left")
    frame = suppress(_labelled(frame), ["exits", "views", "exits_prev"])
    frame["exit_rate"] = frame["exit_rate"].where(frame["exits"].notna() & frame["views"].notna())
    frame["exit_rate_prev"] = frame["exit_rate_prev"].where(frame["exits_prev"].notna())
    return Table(
        "utgangssider",
        "Utgangssider og utgangsrate",
        [
            Column("path", "Side", TEXT),
            Column("kind", "Type", TEXT),
            Column("exits", "Besøk som sluttet her", INT),
            Column("views", "Sidevisninger med samtykke", INT),
            Column("exit_rate", "Utgangsrate", PCT),
            Column("exit_rate_prev", "Utgangsrate, forrige periode", PCT),
        ],
        frame,
        note="Utgangsrate: besøk som sluttet på siden ÷ sidevisninger av siden (med samtykke).",
        suppressed=was_suppressed(frame, ["exits", "views"]),
    )
