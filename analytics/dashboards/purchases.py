"""Kjøpstrender (R1.3): revenue by category over the months, by weekday and by hour."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import figures, reading
from analytics.dashboards.common import category_label, freshness_notes
from analytics.metrics import (
    CHANGE,
    DATE,
    INT,
    KR,
    TEXT,
    Column,
    Dashboard,
    Figure,
    Kpi,
    Table,
    ratio,
    safe_ratio,
)
from analytics.models import OrderHour, ProductSalesDay
from analytics.periods import Period

MEASURES = ["orders", "units", "revenue_ore", "net_ore"]
TOP_CATEGORIES = 8
OTHER = "Andre kategorier"


def build(period: Period, today: date) -> Dashboard:
    previous = period.previous()
    hours = reading.sums(OrderHour, period, ["day", "hour"], MEASURES, today=today)
    hours_before = reading.sums(OrderHour, previous, ["day", "hour"], MEASURES, today=today)
    totals, totals_before = hours[MEASURES].sum(), hours_before[MEASURES].sum()
    months = _category_months(period, today)
    weekdays = _by(hours, hours_before, "weekday", figures.WEEKDAYS, "ukedag", "Per ukedag")
    by_hour = _by(
        hours,
        hours_before,
        "hour",
        [f"{h:02d}" for h in range(24)],
        "klokkeslett",
        "Per klokkeslett",
    )
    dashboard = Dashboard(
        "purchases",
        "Kjøpstrender",
        "Hva som selges når: omsetning per kategori måned for måned, per ukedag og per time.",
        notes=[
            *freshness_notes(period, today),
            "Fra ordrene (kansellerte ikke med), i norsk tid. Omsetning per kategori er "
            "varelinjene; ordresummene per ukedag og time har frakten med.",
        ],
        kpis=[
            Kpi("orders", "Ordrer", int(totals["orders"]), int(totals_before["orders"]), INT, ""),
            Kpi(
                "revenue_ore",
                "Omsetning inkl. mva",
                totals["revenue_ore"],
                totals_before["revenue_ore"],
                KR,
                "",
            ),
            Kpi(
                "net_ore", "Omsetning eks. mva", totals["net_ore"], totals_before["net_ore"], KR, ""
            ),
            Kpi(
                "average_order_ore",
                "Snittordre",
                ratio(totals["revenue_ore"], totals["orders"]),
                ratio(totals_before["revenue_ore"], totals_before["orders"]),
                KR,
                "",
            ),
        ],
        tables=[months, weekdays, by_hour],
    )
    stacked = months.frame.rename(columns={"category": "series"})
    stacked = stacked.assign(value=stacked["revenue_ore"] / 100)
    dashboard.figures = [
        Figure(
            "kategori-per-maned",
            "Omsetning inkl. mva per kategori og måned (kr)",
            figures.stacked_months(stacked, y_title="Kroner"),
        ),
        Figure(
            "ukedag-og-time",
            "Omsetning inkl. mva per ukedag og klokkeslett (kr)",
            figures.weekday_hour(_grid(hours), unit="kr"),
        ),
        Figure(
            "per-ukedag",
            "Omsetning inkl. mva per ukedag (kr)",
            figures.columns(
                figures.WEEKDAYS,
                list(weekdays.frame["revenue_ore"] / 100),
                list(weekdays.frame["revenue_ore_prev"] / 100),
                y_title="Kroner",
            ),
        ),
    ]
    return dashboard


def _with_weekday(hours: pd.DataFrame) -> pd.DataFrame:
    return hours.assign(weekday=pd.to_datetime(hours["day"]).dt.day_of_week if len(hours) else 0)


def _by(now, before, key: str, names: list[str], table_key: str, title: str) -> Table:
    def summed(frame: pd.DataFrame) -> pd.DataFrame:
        grouped = _with_weekday(frame).groupby(key)[MEASURES].sum()
        return grouped.reindex(range(len(names)), fill_value=0)

    frame = summed(now)
    frame["revenue_ore_prev"] = summed(before)["revenue_ore"]
    frame["revenue_ore_change"] = safe_ratio(
        frame["revenue_ore"] - frame["revenue_ore_prev"], frame["revenue_ore_prev"]
    )
    frame = frame.reset_index(drop=True)
    frame.insert(0, "label", names)
    return Table(
        table_key,
        title,
        [
            Column("label", title.removeprefix("Per ").capitalize(), TEXT),
            Column("orders", "Ordrer", INT),
            Column("revenue_ore", "Omsetning inkl. mva", KR),
            Column("net_ore", "Omsetning eks. mva", KR),
            Column("revenue_ore_prev", "Omsetning, forrige periode", KR),
            Column("revenue_ore_change", "Endring", CHANGE),
        ],
        frame,
    )


def _grid(hours: pd.DataFrame) -> pd.DataFrame:
    frame = _with_weekday(hours)
    grid = frame.pivot_table(
        index="weekday", columns="hour", values="revenue_ore", aggfunc="sum", fill_value=0
    )
    return grid.reindex(index=range(7), columns=range(24), fill_value=0) / 100


def _category_months(period: Period, today: date) -> Table:
    sales = reading.sums(ProductSalesDay, period, ["day", "category_id"], MEASURES, today=today)
    sales["month"] = pd.to_datetime(sales["day"]).dt.to_period("M").dt.start_time.dt.date
    sales["category"] = category_label(sales["category_id"])
    biggest = sales.groupby("category")["revenue_ore"].sum().nlargest(TOP_CATEGORIES).index
    sales.loc[~sales["category"].isin(biggest), "category"] = OTHER
    frame = sales.groupby(["month", "category"], as_index=False)[MEASURES].sum()
    frame = frame.sort_values(["month", "revenue_ore"], ascending=[True, False], kind="stable")
    return Table(
        "kategori-per-maned",
        "Omsetning per kategori og måned",
        [
            Column("month", "Måned (første dag)", DATE),
            Column("category", "Kategori", TEXT),
            Column("units", "Solgt (stk.)", INT),
            Column("revenue_ore", "Omsetning inkl. mva", KR),
            Column("net_ore", "Omsetning eks. mva", KR),
        ],
        frame.reset_index(drop=True),
        note=f"De {TOP_CATEGORIES} kategoriene med mest omsetning i perioden; resten samlet.",
    )
