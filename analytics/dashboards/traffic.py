"""Trafikk: where visitors come from, and how often they come back (R5.3)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import figures, labels, reading
from analytics.dashboards.common import freshness_notes
from analytics.metrics import (
    CHANGE,
    DECIMAL,
    INT,
    PCT,
    TEXT,
    Column,
    Dashboard,
    Figure,
    Kpi,
    Table,
    ratio,
    safe_ratio,
    suppress,
    top,
    was_suppressed,
    with_previous,
)
from analytics.models import FrequencyDay, SourceDay
from analytics.periods import Period

MEASURES = ["visits", "bounces", "page_views", "purchases", "cookieless_arrivals"]
RETURNING_NOTE = (
    "Bare besøkende med samtykke til statistikk kan kjennes igjen; et besøk regnes som "
    "gjenkommende når nettleseren har besøkt oss før innenfor tiden rådata lagres."
)


def build(period: Period, today: date) -> Dashboard:
    previous = period.previous()

    def sources_by(p: Period, keys: list[str]) -> pd.DataFrame:
        return reading.sums(SourceDay, p, keys, MEASURES, today=today)

    channels = _channels(sources_by(period, ["channel"]), sources_by(previous, ["channel"]))
    by_source_now = sources_by(period, ["channel", "source"])
    by_source_before = sources_by(previous, ["channel", "source"])
    referrers = _sources(
        by_source_now,
        by_source_before,
        "referral",
        "henvisninger",
        "Nettsteder som lenker til oss",
        "Nettsted",
    )
    engines = _sources(
        by_source_now, by_source_before, "search", "sokemotorer", "Søkemotorer", "Søkemotor"
    )
    campaigns = _campaigns(period, previous, today)
    frequency = _frequency(period, previous, today)
    dashboard = Dashboard(
        "traffic",
        "Trafikk",
        "Hvor besøkende kommer fra, og hvor ofte de kommer tilbake.",
        notes=[
            *freshness_notes(period, today),
            "Besøk og kanaler gjelder besøkende med samtykke til statistikk. «Ankomster uten "
            "samtykke» er sidevisninger fra andre nettsteder hos besøkende uten samtykke.",
        ],
        tables=[channels, referrers, engines, campaigns, *frequency["tables"]],
        kpis=frequency["kpis"],
    )
    shown = channels.frame.dropna(subset=["visits"])
    dashboard.figures = [
        Figure(
            "kanaler",
            "Besøk per kanal",
            figures.bars(shown["label"], shown["visits"], shown["visits_prev"], x_title="Besøk"),
        ),
        frequency["figure"],
    ]
    return dashboard


def _channels(now: pd.DataFrame, before: pd.DataFrame) -> Table:
    frame = with_previous(top(now, "visits", 10), before, ["channel"], "visits")
    frame["bounce_rate"] = safe_ratio(frame["bounces"], frame["visits"])
    frame["purchase_rate"] = safe_ratio(frame["purchases"], frame["visits"])
    frame["label"] = frame["channel"].map(labels.channel)
    frame = suppress(frame, ["visits", "visits_prev", "cookieless_arrivals", "purchases"])
    for rate in ("bounce_rate", "purchase_rate"):
        frame[rate] = frame[rate].where(frame["visits"].notna())
    return Table(
        "kanaler",
        "Kanaler",
        [
            Column("label", "Kanal", TEXT),
            Column("visits", "Besøk", INT),
            Column("visits_prev", "Forrige periode", INT),
            Column("visits_change", "Endring", CHANGE),
            Column("bounce_rate", "Fluktfrekvens", PCT),
            Column("purchase_rate", "Besøk med kjøp", PCT),
            Column("cookieless_arrivals", "Ankomster uten samtykke", INT),
        ],
        frame,
        note="Kanal: kampanje når lenken har utm_source eller utm_campaign, ellers søkemotor, "
        "lenke fra et annet nettsted eller direkte (adressen skrevet inn, bokmerke, e-post).",
        suppressed=was_suppressed(frame, ["visits", "cookieless_arrivals", "purchases"]),
    )


def _sources(now, before, channel: str, key: str, title: str, label: str) -> Table:
    current = now[now["channel"] == channel].drop(columns="channel")
    previous = before[before["channel"] == channel].drop(columns="channel")
    current = current[(current["visits"] + current["cookieless_arrivals"]) > 0]
    frame = with_previous(top(current, "visits", 25), previous, ["source"], "visits")
    frame = suppress(frame, ["visits", "visits_prev", "cookieless_arrivals"])
    return Table(
        key,
        title,
        [
            Column("source", label, TEXT),
            Column("visits", "Besøk", INT),
            Column("visits_prev", "Forrige periode", INT),
            Column("visits_change", "Endring", CHANGE),
            Column("cookieless_arrivals", "Ankomster uten samtykke", INT),
        ],
        frame,
        suppressed=was_suppressed(frame, ["visits", "cookieless_arrivals"]),
    )


def _campaigns(period: Period, previous: Period, today: date) -> Table:
    def by_campaign(p: Period) -> pd.DataFrame:
        frame = reading.sums(SourceDay, p, ["channel", "source", "campaign"], MEASURES, today=today)
        return frame[frame["channel"] == "campaign"].drop(columns="channel")

    frame = with_previous(
        top(by_campaign(period), "visits", 25),
        by_campaign(previous),
        ["source", "campaign"],
        "visits",
    )
    frame["campaign"] = frame["campaign"].map(labels.text_or_unknown)
    frame = suppress(frame, ["visits", "visits_prev", "purchases"])
    return Table(
        "kampanjer",
        "Kampanjer (UTM)",
        [
            Column("campaign", "Kampanje", TEXT),
            Column("source", "Kilde (utm_source)", TEXT),
            Column("visits", "Besøk", INT),
            Column("visits_prev", "Forrige periode", INT),
            Column("purchases", "Besøk med kjøp", INT),
        ],
        frame,
        suppressed=was_suppressed(frame, ["visits", "purchases"]),
    )


def _frequency(period: Period, previous: Period, today: date) -> dict:
    def counts(p: Period, key: str) -> pd.DataFrame:
        return reading.sums(FrequencyDay, p, [key], ["visits"], today=today)

    numbers, numbers_before = counts(period, "visit_number"), counts(previous, "visit_number")
    known = numbers[numbers["visit_number"] > 0]
    known_before = numbers_before[numbers_before["visit_number"] > 0]
    new = int(known.loc[known["visit_number"] == 1, "visits"].sum())
    new_before = int(known_before.loc[known_before["visit_number"] == 1, "visits"].sum())
    returning = int(known["visits"].sum()) - new
    returning_before = int(known_before["visits"].sum()) - new_before
    visitors, visitors_before = (
        reading.visitors(period, today=today),
        reading.visitors(previous, today=today),
    )
    all_visits = int(numbers["visits"].sum())
    all_visits_before = int(numbers_before["visits"].sum())
    kpis = [
        Kpi("new_visits", "Nye besøkende", new, new_before, INT, "Første besøk fra nettleseren."),
        Kpi("returning_visits", "Gjenkommende besøk", returning, returning_before, INT, ""),
        Kpi(
            "returning_share",
            "Andel gjenkommende",
            ratio(returning, new + returning),
            ratio(returning_before, new_before + returning_before),
            PCT,
            "",
        ),
        Kpi(
            "visits_per_visitor",
            "Besøk per besøkende",
            ratio(all_visits, visitors),
            ratio(all_visits_before, visitors_before),
            DECIMAL,
            "Besøk ÷ unike besøkende i perioden.",
        ),
    ]
    by_number = _bucket_table(
        known,
        known_before,
        "visit_number",
        labels.VISIT_NUMBERS,
        "besok-i-rekken",
        "Hvilket besøk i rekken",
    )
    since = counts(period, "days_since")
    since_before = counts(previous, "days_since")
    by_gap = _bucket_table(
        since[since["days_since"] >= 0],
        since_before[since_before["days_since"] >= 0],
        "days_since",
        labels.DAYS_SINCE,
        "dager-siden-sist",
        "Dager siden forrige besøk",
    )
    shown = by_number.frame
    figure = Figure(
        "besok-i-rekken",
        "Hvilket besøk i rekken (besøkende med samtykke)",
        figures.columns(
            list(shown["label"]), list(shown["visits"]), list(shown["visits_prev"]), y_title="Besøk"
        ),
    )
    return {"kpis": kpis, "tables": [by_number, by_gap], "figure": figure}


def _bucket_table(now, before, key: str, names: dict, table_key: str, title: str) -> Table:
    index = pd.Index(list(names), name=key)
    frame = pd.DataFrame(
        {"visits": now.set_index(key)["visits"], "visits_prev": before.set_index(key)["visits"]}
    )
    frame = frame.reindex(index, fill_value=0).fillna(0).reset_index()
    frame["label"] = frame[key].map(names)
    frame["share"] = safe_ratio(
        frame["visits"], pd.Series(frame["visits"].sum(), index=frame.index)
    )
    frame = suppress(frame, ["visits", "visits_prev"])
    frame["share"] = frame["share"].where(frame["visits"].notna())
    return Table(
        table_key,
        title,
        [
            Column("label", "Gruppe", TEXT),
            Column("visits", "Besøk", INT),
            Column("share", "Andel", PCT),
            Column("visits_prev", "Forrige periode", INT),
        ],
        frame,
        note=RETURNING_NOTE,
        suppressed=was_suppressed(frame, ["visits"]),
    )
