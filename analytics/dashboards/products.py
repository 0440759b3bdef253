"""Varer: most viewed, added to cart and bought; view-to-purchase; revenue per product and
category (R6.1, R6.2). Views and cart additions come from the clickstream, purchases and
revenue from orders."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import figures, reading
from analytics.dashboards.common import category_label, freshness_notes, with_product_names
from analytics.metrics import (
    CHANGE,
    INT,
    KR,
    PCT,
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
from analytics.models import ProductDay, ProductSalesDay
from analytics.periods import Period

VIEW_MEASURES = ["views", "cookieless_views", "clicks", "added_to_cart"]
SALES_MEASURES = ["orders", "units", "revenue_ore", "net_ore"]
TOP = 25


def product_figures(period: Period, today: date) -> pd.DataFrame:
    views = reading.sums(ProductDay, period, ["product_id"], VIEW_MEASURES, today=today)
    sales = reading.sums(ProductSalesDay, period, ["product_id"], SALES_MEASURES, today=today)
    frame = views.merge(sales, on="product_id", how="outer")
    frame[VIEW_MEASURES + SALES_MEASURES] = frame[VIEW_MEASURES + SALES_MEASURES].fillna(0)
    frame["all_views"] = frame["views"] + frame["cookieless_views"]
    return frame.astype({"product_id": "int64"})


def build(period: Period, today: date) -> Dashboard:
    previous = period.previous()
    now, before = product_figures(period, today), product_figures(previous, today)
    dashboard = Dashboard(
        "products",
        "Varer",
        "Hvilke varer som blir sett, lagt i handlekurven og kjøpt, og hva de og kategoriene "
        "omsetter for.",
        notes=[
            *freshness_notes(period, today),
            "Visninger teller alle besøkende (også uten samtykke); «lagt i handlekurv» bare "
            "besøkende med samtykke. Kjøp og omsetning kommer fra ordrene, ikke fra klikkene.",
        ],
    )
    viewed = _most_viewed(now, before)
    carted = _ranked(now, before, "added_to_cart", "mest-i-handlekurv", "Mest lagt i handlekurv")
    bought = _bought(now, before)
    categories = _categories(period, previous, today)
    dashboard.tables = [viewed, carted, bought, categories]
    shown = viewed.frame.head(10).dropna(subset=["all_views"])
    dashboard.figures = [
        Figure(
            "mest-sett",
            "Mest sette varer",
            figures.bars(
                shown["title"], shown["all_views"], shown["all_views_prev"], x_title="Visninger"
            ),
        ),
        Figure(
            "omsetning-per-kategori",
            "Omsetning inkl. mva per kategori (kr)",
            figures.bars(
                categories.frame["category"],
                categories.frame["revenue_ore"] / 100,
                categories.frame["revenue_ore_prev"] / 100,
                x_title="Kroner",
            ),
        ),
    ]
    converting = bought.frame.dropna(subset=["conversion"]).head(10)
    dashboard.figures.append(
        Figure(
            "visning-til-kjop",
            "Fra visning til kjøp: de mest solgte varene",
            figures.bars(
                converting["title"],
                converting["conversion"],
                x_title="Ordrer ÷ visninger",
                value_format=".1%",
            ),
        )
    )
    return dashboard


def _most_viewed(now: pd.DataFrame, before: pd.DataFrame) -> Table:
    frame = with_previous(
        top(now[now["all_views"] > 0], "all_views", TOP), before, ["product_id"], "all_views"
    )
    frame["conversion"] = safe_ratio(frame["orders"], frame["all_views"])
    frame = suppress(
        with_product_names(frame), ["all_views", "all_views_prev", "added_to_cart", "clicks"]
    )
    frame["conversion"] = frame["conversion"].where(frame["all_views"].notna())
    return Table(
        "mest-sett",
        "Mest sette varer",
        [
            Column("title", "Vare", TEXT),
            Column("category", "Kategori", TEXT),
            Column("all_views", "Visninger", INT),
            Column("all_views_prev", "Forrige periode", INT),
            Column("all_views_change", "Endring", CHANGE),
            Column("clicks", "Valgt fra liste", INT),
            Column("added_to_cart", "Lagt i handlekurv", INT),
            Column("orders", "Ordrer", INT),
            Column("conversion", "Visning til kjøp", PCT),
        ],
        frame,
        note="Visning til kjøp: ordrer med varen ÷ visninger av varen.",
        suppressed=was_suppressed(frame, ["all_views", "added_to_cart", "clicks"]),
    )


def _ranked(now, before, measure: str, key: str, title: str) -> Table:
    frame = with_previous(top(now[now[measure] > 0], measure, TOP), before, ["product_id"], measure)
    frame = suppress(with_product_names(frame), [measure, f"{measure}_prev"])
    return Table(
        key,
        title,
        [
            Column("title", "Vare", TEXT),
            Column("category", "Kategori", TEXT),
            Column(measure, "Antall", INT),
            Column(f"{measure}_prev", "Forrige periode", INT),
            Column(f"{measure}_change", "Endring", CHANGE),
        ],
        frame,
        note="Bare besøkende med samtykke til statistikk.",
        suppressed=was_suppressed(frame, [measure]),
    )


def _bought(now: pd.DataFrame, before: pd.DataFrame) -> Table:
    frame = with_previous(top(now[now["units"] > 0], "units", TOP), before, ["product_id"], "units")
    frame["conversion"] = safe_ratio(frame["orders"], frame["all_views"])
    frame = suppress(with_product_names(frame), ["all_views"])
    frame["conversion"] = frame["conversion"].where(frame["all_views"].notna())
    return Table(
        "mest-kjopt",
        "Mest kjøpt",
        [
            Column("title", "Vare", TEXT),
            Column("category", "Kategori", TEXT),
            Column("units", "Solgt (stk.)", INT),
            Column("orders", "Ordrer", INT),
            Column("revenue_ore", "Omsetning inkl. mva", KR),
            Column("net_ore", "Omsetning eks. mva", KR),
            Column("units_prev", "Solgt, forrige periode", INT),
            Column("all_views", "Visninger", INT),
            Column("conversion", "Visning til kjøp", PCT),
        ],
        frame,
        suppressed=was_suppressed(frame, ["all_views"]),
    )


def _categories(period: Period, previous: Period, today: date) -> Table:
    def by_category(p: Period) -> pd.DataFrame:
        return reading.sums(ProductSalesDay, p, ["category_id"], SALES_MEASURES, today=today)

    frame = with_previous(
        by_category(period), by_category(previous), ["category_id"], "revenue_ore"
    )
    frame = top(frame, "revenue_ore", 100)
    frame["category"] = category_label(frame["category_id"])
    return Table(
        "omsetning-per-kategori",
        "Omsetning per kategori",
        [
            Column("category", "Kategori", TEXT),
            Column("units", "Solgt (stk.)", INT),
            Column("revenue_ore", "Omsetning inkl. mva", KR),
            Column("net_ore", "Omsetning eks. mva", KR),
            Column("revenue_ore_prev", "Omsetning, forrige periode", KR),
            Column("revenue_ore_change", "Endring", CHANGE),
        ],
        frame,
        note="Varens kategori i dag; varer som er slettet står uten kategori.",
    )
