"""Samtykke: how visitors answer the cookie banner, per purpose, and how much of the traffic
the statistics cannot follow (the cookieless counts), so the totals include those who said no."""

from __future__ import annotations

from datetime import date

from analytics import figures, reading
from analytics.dashboards.common import freshness_notes
from analytics.metrics import (
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
    was_suppressed,
)
from analytics.models import ConsentDay, DayTotals
from analytics.periods import Period
from bkm.consent.registry import PURPOSES

PURPOSE_NAMES = {purpose.key: purpose.name for purpose in PURPOSES}


def build(period: Period, today: date) -> Dashboard:
    previous = period.previous()
    answers = _answers(period, previous, today)
    views = reading.sums(DayTotals, period, [], ["page_views", "cookieless_views"], today=today)
    views_before = reading.sums(
        DayTotals, previous, [], ["page_views", "cookieless_views"], today=today
    )
    with_consent, without = int(views["page_views"].iloc[0]), int(views["cookieless_views"].iloc[0])
    before_with = int(views_before["page_views"].iloc[0])
    before_without = int(views_before["cookieless_views"].iloc[0])
    dashboard = Dashboard(
        "consent",
        "Samtykke",
        "Hvor mange som sier ja og nei til hvert formål i cookie-banneret, og hvor stor del "
        "av trafikken statistikken derfor bare kan telle.",
        notes=[
            *freshness_notes(period, today),
            "Svarene telles fra samtykkeloggen: hvert valg (i banneret, på cookie-innstillinger, "
            "ved registrering og innlogging) er ett svar. Samme nettleser kan svare flere ganger.",
        ],
        kpis=[
            Kpi(
                "views_with_consent",
                "Sidevisninger med samtykke",
                with_consent,
                before_with,
                INT,
                "",
            ),
            Kpi(
                "views_without_consent",
                "Sidevisninger uten samtykke",
                without,
                before_without,
                INT,
                "Bare telt per side og dag, uten besøks-ID (også de som ikke har svart).",
            ),
            Kpi(
                "consent_share",
                "Andel med samtykke",
                ratio(with_consent, with_consent + without),
                ratio(before_with, before_with + before_without),
                PCT,
                "Av alle sidevisninger fra mennesker.",
            ),
        ],
        tables=[answers],
    )
    shown = answers.frame.dropna(subset=["granted_share"])
    if len(shown):
        dashboard.figures.append(
            Figure(
                "svar-per-formal",
                "Ja og nei per formål",
                figures.shares(
                    list(shown["name"]),
                    {"Ja": list(shown["granted_share"]), "Nei": list(shown["refused_share"])},
                    x_title="Andel av svarene",
                ),
            )
        )
    return dashboard


def _answers(period: Period, previous: Period, today: date) -> Table:
    now = reading.sums(ConsentDay, period, ["purpose"], ["granted", "refused"], today=today)
    before = reading.sums(ConsentDay, previous, ["purpose"], ["granted", "refused"], today=today)
    frame = now.merge(before, on="purpose", how="outer", suffixes=("", "_prev")).fillna(0)
    frame = frame.astype({c: "int64" for c in frame.columns if c != "purpose"})
    frame["name"] = frame["purpose"].map(PURPOSE_NAMES).fillna(frame["purpose"])
    answered = frame["granted"] + frame["refused"]
    answered_before = frame["granted_prev"] + frame["refused_prev"]
    frame["granted_share"] = safe_ratio(frame["granted"], answered)
    frame["refused_share"] = safe_ratio(frame["refused"], answered)
    frame["granted_share_prev"] = safe_ratio(frame["granted_prev"], answered_before)
    order = {key: n for n, key in enumerate(PURPOSE_NAMES)}
    frame = frame.sort_values("purpose", key=lambda keys: keys.map(order)).reset_index(drop=True)
    frame = suppress(frame, ["granted", "refused", "granted_prev", "refused_prev"])
    hidden = frame["granted"].isna() | frame["refused"].isna()
    hidden_before = frame["granted_prev"].isna() | frame["refused_prev"].isna()
    for column in ("granted_share", "refused_share"):
        frame[column] = frame[column].where(~hidden)
    frame["granted_share_prev"] = frame["granted_share_prev"].where(~hidden_before)
    return Table(
        "svar-per-formal",
        "Svar per formål",
        [
            Column("name", "Formål", TEXT),
            Column("granted", "Ja", INT),
            Column("refused", "Nei", INT),
            Column("granted_share", "Andel ja", PCT),
            Column("refused_share", "Andel nei", PCT),
            Column("granted_share_prev", "Andel ja, forrige periode", PCT),
        ],
        frame,
        suppressed=was_suppressed(frame, ["granted", "refused"]),
    )
