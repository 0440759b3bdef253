"""Every metric on a small hand-made day, against figures worked out by hand (handmade.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from analytics.dashboards import build
from analytics.models import DayTotals, VisitFact
from analytics.periods import Period
from analytics.rollup import rollup_day
from bkm.clock import to_oslo
from bkm.extensions import db
from tests.analytics.handmade import DAY, STOL_PRICE_ORE, hand_made_day, make_products

PERIOD = Period(DAY, DAY)
K = 5  # copies: enough that no breakdown cell is under 5 (R6.2 suppression)


@pytest.fixture
def products(db):
    return make_products(copies=K)


@pytest.fixture
def rolled(products):
    stol, bord = products
    hand_made_day(stol, bord, copies=K)
    rollup_day(DAY)
    return products


def kpis(dashboard) -> dict:
    return {kpi.key: kpi.value for kpi in dashboard.kpis}


def rows(dashboard, table: str, key: str) -> dict:
    frame = dashboard.table(table).frame
    return {record[key]: record for record in frame.to_dict("records")}


@pytest.mark.req("R2.2")
def test_one_row_per_visit_with_entry_exit_duration_bounce_and_source(products):
    stol, bord = products
    hand_made_day(stol, bord, copies=1)
    rollup_day(DAY)

    visits = db.session.scalars(select(VisitFact).order_by(VisitFact.started_at)).all()
    facts = [
        (
            to_oslo(v.started_at).hour,
            v.entry_path,
            v.exit_path,
            v.page_views,
            v.duration_s,
            v.is_bounce,
        )
        for v in visits
    ]
    assert facts == [
        (10, "/", "/produkt/bord", 3, 220, False),
        (12, "/produkt/stol", "/produkt/stol", 1, 0, True),
        (18, "/kategori/stoler", "/produkt/stol", 4, 120, False),
    ]
    assert [(v.channel, v.source) for v in visits] == [
        ("search", "Google"),
        ("direct", ""),
        ("campaign", "nyhetsbrev"),
    ]
    assert [(v.visit_number, v.days_since_previous) for v in visits] == [
        (1, None),
        (1, None),
        (2, 0),
    ]
    assert [(v.device, v.purchased) for v in visits] == [
        ("computer", False),
        ("mobile", False),
        ("computer", True),
    ]
    totals = db.session.get(DayTotals, DAY)
    assert (totals.visits, totals.visitors, totals.page_views, totals.bounces) == (3, 2, 8, 1)
    assert (totals.cookieless_views, totals.bot_views, totals.duration_s) == (8, 7, 340)


@pytest.mark.req("R6.1")
def test_overview_figures_match_the_figures_worked_out_by_hand(rolled):
    figures = kpis(build("overview", PERIOD))

    assert figures["visitors"] == 2 * K
    assert figures["visits"] == 3 * K
    assert figures["page_views"] == 16 * K  # 8 with consent + 8 counted without, no bots
    assert figures["pages_per_visit"] == pytest.approx(8 / 3)
    assert figures["median_s"] == 120
    assert figures["mean_s"] == pytest.approx(340 / 3)
    assert figures["bounce_rate"] == pytest.approx(1 / 3)
    assert figures["orders"] == K  # the cancelled order does not count
    assert figures["revenue_ore"] == K * STOL_PRICE_ORE
    assert figures["net_ore"] == K * STOL_PRICE_ORE * 4 // 5  # without 25 % MVA
    assert figures["conversion"] == pytest.approx(1 / 3)  # orders ÷ visits
    assert figures["average_order_ore"] == STOL_PRICE_ORE


@pytest.mark.req("R6.2")
def test_pages_most_read_entry_exit_rate_and_time_on_page(rolled):
    dashboard = build("pages", PERIOD)

    read = rows(dashboard, "mest-leste", "path")
    assert list(read) == ["/produkt/stol", "/", "/produkt/bord", "/kategori/stoler"]
    stol = read["/produkt/stol"]
    assert (stol["all_views"], stol["views"], stol["cookieless_views"]) == (7 * K, 4 * K, 3 * K)
    assert stol["time_s"] == pytest.approx(105)  # (150 + 60) / 2: two views have no next page
    assert read["/produkt/bord"]["time_s"] == pytest.approx(30)  # (50 beacon + 10) / 2
    assert read["/"]["time_s"] == pytest.approx(30)
    entries = rows(dashboard, "inngangssider", "path")
    assert {path: row["entries"] for path, row in entries.items()} == {
        "/": K,
        "/produkt/stol": K,
        "/kategori/stoler": K,
    }
    assert entries["/produkt/stol"]["bounce_rate"] == 1.0
    assert entries["/"]["bounce_rate"] == 0.0
    exits = rows(dashboard, "utgangssider", "path")
    assert {path: row["exits"] for path, row in exits.items()} == {
        "/produkt/stol": 2 * K,
        "/produkt/bord": K,
    }
    assert exits["/produkt/stol"]["exit_rate"] == pytest.approx(0.5)  # 2 exits ÷ 4 views
    assert exits["/produkt/bord"]["exit_rate"] == pytest.approx(0.5)


@pytest.mark.req("R6.1")
def test_products_viewed_added_bought_conversion_and_revenue(rolled):
    stol, bord = rolled
    dashboard = build("products", PERIOD)

    viewed = rows(dashboard, "mest-sett", "product_id")
    assert viewed[stol.id]["all_views"] == 7 * K
    assert viewed[bord.id]["all_views"] == 2 * K
    assert viewed[stol.id]["conversion"] == pytest.approx(1 / 7)  # K orders ÷ 7K views
    assert viewed[stol.id]["title"] == "Kinnarps stol"
    carted = rows(dashboard, "mest-i-handlekurv", "product_id")
    assert {pid: row["added_to_cart"] for pid, row in carted.items()} == {stol.id: K}
    bought = rows(dashboard, "mest-kjopt", "product_id")
    assert list(bought) == [stol.id]  # the cancelled desk is not a sale
    assert (bought[stol.id]["units"], bought[stol.id]["revenue_ore"]) == (K, K * STOL_PRICE_ORE)
    assert bought[stol.id]["net_ore"] == K * STOL_PRICE_ORE * 4 // 5
    categories = rows(dashboard, "omsetning-per-kategori", "category")
    assert categories["Stoler"]["revenue_ore"] == K * STOL_PRICE_ORE
    assert "Bord" not in categories


@pytest.mark.req("R2.2")
def test_journeys_count_product_pages_viewed_one_after_another(rolled):
    stol, bord = rolled
    dashboard = build("journeys", PERIOD)

    steps = {
        (row["from_product_id"], row["to_product_id"]): row["transitions"]
        for row in dashboard.table("varer-etter-hverandre").frame.to_dict("records")
    }
    assert steps == {(stol.id, bord.id): 2 * K, (bord.id, stol.id): K}
    assert [figure.key for figure in dashboard.figures] == ["sankey"]


@pytest.mark.req("R5.3")
def test_traffic_channels_sources_and_returning_visitors(rolled):
    dashboard = build("traffic", PERIOD)

    channels = rows(dashboard, "kanaler", "channel")
    assert {c: row["visits"] for c, row in channels.items()} == {
        "search": K,
        "direct": K,
        "campaign": K,
    }
    assert channels["search"]["cookieless_arrivals"] == 3 * K  # from bing.com without consent
    assert channels["campaign"]["purchase_rate"] == 1.0
    assert channels["direct"]["bounce_rate"] == 1.0
    engines = rows(dashboard, "sokemotorer", "source")
    assert (engines["Google"]["visits"], engines["Bing"]["cookieless_arrivals"]) == (K, 3 * K)
    campaigns = rows(dashboard, "kampanjer", "campaign")
    assert campaigns["vinter"]["source"] == "nyhetsbrev"
    figures = kpis(dashboard)
    assert (figures["new_visits"], figures["returning_visits"]) == (2 * K, K)
    assert figures["visits_per_visitor"] == pytest.approx(1.5)
    gaps = rows(dashboard, "dager-siden-sist", "label")
    assert gaps["Samme dag"]["visits"] == K


@pytest.mark.req("R2.2")
def test_devices_classes_systems_browsers_and_time_on_page(rolled):
    dashboard = build("devices", PERIOD)

    classes = rows(dashboard, "enhetstyper", "device")
    assert classes["computer"]["all_views"] == 7 * K + 5 * K  # A and C, plus 5K counted
    assert classes["mobile"]["all_views"] == K + 3 * K
    assert "bot" not in classes
    assert classes["computer"]["time_s"] == pytest.approx(320 / 6)
    assert classes["mobile"]["visits"] == K
    systems = rows(dashboard, "operativsystem", "os")
    assert {name: row["visits"] for name, row in systems.items()} == {"Linux": 2 * K, "iOS": K}
    browsers = rows(dashboard, "nettlesere", "browser")
    assert browsers["Firefox"]["visits"] == 2 * K


@pytest.mark.req("R3.1")
def test_consent_shares_per_purpose_and_cookieless_counts(rolled):
    dashboard = build("consent", PERIOD)

    answers = rows(dashboard, "svar-per-formal", "purpose")
    assert (answers["statistics"]["granted"], answers["statistics"]["refused"]) == (2 * K, K)
    assert answers["statistics"]["granted_share"] == pytest.approx(2 / 3)
    assert answers["personalisation"]["granted_share"] == pytest.approx(1 / 3)
    figures = kpis(dashboard)
    assert (figures["views_with_consent"], figures["views_without_consent"]) == (8 * K, 8 * K)
    assert figures["consent_share"] == pytest.approx(0.5)


@pytest.mark.req("R1.3")
def test_purchase_trends_by_category_month_weekday_and_hour(rolled):
    dashboard = build("purchases", PERIOD)

    weekdays = rows(dashboard, "ukedag", "label")
    assert weekdays["Tirsdag"]["revenue_ore"] == K * STOL_PRICE_ORE  # 10 March 2026
    assert sum(row["revenue_ore"] for row in weekdays.values()) == K * STOL_PRICE_ORE
    hours = rows(dashboard, "klokkeslett", "label")
    assert hours["18"]["orders"] == K  # placed 18:02 Oslo time (17:02 UTC)
    months = dashboard.table("kategori-per-maned").frame
    assert months[["category", "revenue_ore"]].values.tolist() == [["Stoler", K * STOL_PRICE_ORE]]
    assert kpis(dashboard)["net_ore"] == K * STOL_PRICE_ORE * 4 // 5
