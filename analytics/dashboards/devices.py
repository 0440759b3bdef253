"""Enheter: device class, operating system and browser; time on page by device (R2.2)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import figures, labels, reading
from analytics.dashboards.common import freshness_notes
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
from analytics.models import DeviceDay
from analytics.periods import Period

MEASURES = [
    "visits",
    "page_views",
    "bounces",
    "duration_s",
    "time_ms",
    "timed_views",
    "cookieless_views",
]


def build(period: Period, today: date) -> Dashboard:
    previous = period.previous()

    def by(p: Period, key: str) -> pd.DataFrame:
        frame = reading.sums(DeviceDay, p, [key], MEASURES, today=today)
        return frame[(frame[key] != "bot")] if key == "device" else frame[frame["visits"] > 0]

    classes = _classes(by(period, "device"), by(previous, "device"))
    systems = _named(by(period, "os"), by(previous, "os"), "os", "operativsystem", "Operativsystem")
    browsers = _named(
        by(period, "browser"), by(previous, "browser"), "browser", "nettlesere", "Nettleser"
    )
    dashboard = Dashboard(
        "devices",
        "Enheter",
        "Hvilke enheter, operativsystemer og nettlesere besøkende bruker, og hvor lenge de "
        "leser hver side på dem.",
        notes=[
            *freshness_notes(period, today),
            "Enhetstype finnes for alle sidevisninger; operativsystem, nettleser og tid på "
            "siden bare for besøkende med samtykke til statistikk.",
        ],
        tables=[classes, systems, browsers],
    )
    shown = classes.frame
    dashboard.figures = [
        Figure(
            "enhetstyper",
            "Sidevisninger per enhetstype (alle besøkende)",
            figures.bars(
                shown["label"], shown["all_views"], shown["all_views_prev"], x_title="Sidevisninger"
            ),
        ),
        Figure(
            "tid-per-enhet",
            "Snittid på en side per enhetstype (sekunder)",
            figures.bars(
                shown["label"],
                shown["time_s"],
                shown["time_s_prev"],
                x_title="Sekunder",
                value_format=",.1f",
            ),
        ),
    ]
    shown = systems.frame.dropna(subset=["visits"]).head(10)
    dashboard.figures.append(
        Figure(
            "operativsystem",
            "Besøk per operativsystem",
            figures.bars(shown["os"], shown["visits"], shown["visits_prev"], x_title="Besøk"),
        )
    )
    return dashboard


def _time_s(frame: pd.DataFrame) -> pd.Series:
    return safe_ratio(frame["time_ms"], frame["timed_views"]) / 1000


def _classes(now: pd.DataFrame, before: pd.DataFrame) -> Table:
    now, before = (
        frame.assign(
            all_views=frame["page_views"] + frame["cookieless_views"], time_s=_time_s(frame)
        )
        for frame in (now, before)
    )
    frame = with_previous(top(now, "all_views", 10), before, ["device"], "all_views")
    frame = frame.merge(
        before[["device", "time_s"]].rename(columns={"time_s": "time_s_prev"}),
        on="device",
        how="left",
    )
    frame["label"] = frame["device"].map(labels.device)
    frame["bounce_rate"] = safe_ratio(frame["bounces"], frame["visits"])
    frame["share"] = safe_ratio(
        frame["all_views"], pd.Series(frame["all_views"].sum(), index=frame.index)
    )
    frame = suppress(frame, ["all_views", "all_views_prev", "visits", "timed_views"])
    frame["bounce_rate"] = frame["bounce_rate"].where(frame["visits"].notna())
    frame["time_s"] = frame["time_s"].where(frame["timed_views"].notna())
    frame["share"] = frame["share"].where(frame["all_views"].notna())
    return Table(
        "enhetstyper",
        "Enhetstyper",
        [
            Column("label", "Enhetstype", TEXT),
            Column("all_views", "Sidevisninger", INT),
            Column("share", "Andel", PCT),
            Column("all_views_prev", "Forrige periode", INT),
            Column("all_views_change", "Endring", CHANGE),
            Column("visits", "Besøk med samtykke", INT),
            Column("bounce_rate", "Fluktfrekvens", PCT),
            Column("time_s", "Snittid på en side", SECONDS),
        ],
        frame,
        note="Mobil, nettbrett eller datamaskin, ut fra nettleserens User-Agent; "
        "roboter er ikke med.",
        suppressed=was_suppressed(frame, ["all_views", "visits", "timed_views"]),
    )


def _named(now: pd.DataFrame, before: pd.DataFrame, key: str, table_key: str, title: str) -> Table:
    now = now.assign(**{key: now[key].map(labels.text_or_unknown)})
    before = before.assign(**{key: before[key].map(labels.text_or_unknown)})
    now = now.groupby(key, as_index=False).sum()
    before = before.groupby(key, as_index=False).sum()
    frame = with_previous(top(now, "visits", 20), before, [key], "visits")
    frame["time_s"] = _time_s(frame)
    frame = suppress(frame, ["visits", "visits_prev", "timed_views"])
    frame["time_s"] = frame["time_s"].where(frame["timed_views"].notna())
    return Table(
        table_key,
        title,
        [
            Column(key, title, TEXT),
            Column("visits", "Besøk", INT),
            Column("visits_prev", "Forrige periode", INT),
            Column("visits_change", "Endring", CHANGE),
            Column("time_s", "Snittid på en side", SECONDS),
        ],
        frame,
        note="Bare besøkende med samtykke til statistikk.",
        suppressed=was_suppressed(frame, ["visits", "timed_views"]),
    )
