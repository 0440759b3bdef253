"""The /statistikk pages: who may see them, the period form, CSV, suppression, strict CSP."""

from __future__ import annotations

import json
import re

import pytest

from analytics import DASHBOARDS
from analytics.rollup import rollup_day
from analytics.views import SLUGS
from bkm.security import CONTENT_SECURITY_POLICY
from tests.analytics.handmade import DAY, hand_made_day, make_products

CUSTOM_DAY = {"periode": "egen", "fra": DAY.isoformat(), "til": DAY.isoformat()}
DASHBOARD_URLS = [f"/statistikk/{slug}" if slug else "/statistikk/" for slug in SLUGS.values()]


def html(response) -> str:
    return response.get_data(as_text=True)


def rolled_day(db, copies: int):
    stol, bord = make_products(copies)
    hand_made_day(stol, bord, copies=copies)
    rollup_day(DAY)
    db.session.commit()
    return stol, bord


@pytest.fixture
def one_copy_rolled(db):
    return rolled_day(db, 1)


@pytest.fixture
def five_copies_rolled(db):
    return rolled_day(db, 5)


def test_every_dashboard_is_listed_with_a_norwegian_title():
    assert [endpoint for endpoint, _title in DASHBOARDS] == [f"analytics.{k}" for k in SLUGS]
    assert dict(DASHBOARDS)["analytics.purchases"] == "Kjøpstrender"


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_a_manager_sees_each_dashboard_with_charts_as_json_blocks_and_no_inline_script(
    client, login_as, manager, five_copies_rolled, url
):
    login_as(manager)

    response = client.get(url, query_string=CUSTOM_DAY)

    page = html(response)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "10.03.2026–10.03.2026" in page and "sammenlignet med 09.03.2026–09.03.2026" in page
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    blocks = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.S)
    assert blocks, "every dashboard draws at least one chart"
    for block_id, text in blocks:
        figure = json.loads(text)
        assert figure["data"], block_id
        assert f'data-figure="{block_id}"' in page
    assert "/static/vendor/plotly.min.js" in page and "/static/js/dashboards.js" in page
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in page


@pytest.mark.parametrize("url", [*DASHBOARD_URLS, "/statistikk/sider/mest-leste.csv"])
def test_staff_and_customers_are_refused_and_visitors_sent_to_log_in(
    app, login_as, staff, customer, url
):
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/konto/logg-inn" in anonymous.headers["Location"]
    for user in (staff, customer):
        client = app.test_client()
        client.submit(
            "/konto/logg-inn", {"email": user.email, "password": "riktig-hest-batteri-stift"}
        )
        assert client.get(url).status_code == 403, user.role


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"periode": "egen", "fra": "31.02.2026", "til": "01.03.2026"},
            "«Fra» er ikke en gyldig dato",
        ),
        ({"periode": "egen", "fra": "2026-03-10"}, "Skriv inn både fra- og til-dato"),
        ({"periode": "egen", "fra": "2026-03-10", "til": "2026-03-01"}, "«Fra» må være samme dag"),
        (
            {"periode": "egen", "fra": "2026-03-10", "til": "2999-01-01"},
            "kan ikke være etter i dag",
        ),
        (
            {"periode": "egen", "fra": "1999-12-31", "til": "2000-01-05"},
            "kan ikke være før 01.01.2000",
        ),
        ({"periode": "egen", "fra": "2020-01-01", "til": "2026-01-01"}, "høyst tre år"),
        ({"periode": "i-morgen"}, "Velg en av periodene i listen."),
    ],
)
def test_a_bad_period_gets_a_norwegian_message_and_no_figures(
    client, login_as, manager, args, message
):
    login_as(manager)

    response = client.get("/statistikk/", query_string=args)

    assert response.status_code == 400
    assert message in html(response)
    assert 'data-testid="period-errors"' in html(response)
    assert "application/json" not in html(response)
    csv = client.get("/statistikk/oversikt/per-dag.csv", query_string=args)
    assert csv.status_code == 400 and message in csv.get_json()["reason"]


def test_the_period_is_kept_in_the_links_between_dashboards(client, login_as, manager, db):
    login_as(manager)

    page = html(client.get("/statistikk/trafikk", query_string={"periode": "90d"}))

    assert 'href="/statistikk/enheter?periode=90d"' in page
    assert '<option selected value="90d">Siste 90 dager</option>' in page


@pytest.mark.req("R6.2")
def test_counts_under_five_are_suppressed_in_the_page_and_in_the_csv(
    client, login_as, manager, one_copy_rolled
):
    login_as(manager)

    page = html(client.get("/statistikk/sider", query_string=CUSTOM_DAY))
    response = client.get("/statistikk/sider/mest-leste.csv", query_string=CUSTOM_DAY)

    assert "&lt;5" in page and "færre enn 5" in page
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        "statistikk-sider-mest-leste-2026-03-10-2026-03-10.csv"
        in response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffSide;Type;Sidevisninger;Med samtykke;")
    lines = text.splitlines()
    stol = next(line for line in lines if line.startswith("/produkt/stol;"))
    assert stol.split(";")[1:5] == ["Vare", "7", "<5", "<5"]  # 7 in all; 4 and 3 hidden
    front = next(line for line in lines if line.startswith("/;"))
    assert front.split(";")[2:5] == ["6", "<5", "5"]


def test_every_table_downloads_as_csv(client, login_as, manager, one_copy_rolled):
    login_as(manager)
    for url in DASHBOARD_URLS:
        page = html(client.get(url, query_string=CUSTOM_DAY))
        links = re.findall(r'href="(/statistikk/[^"]+\.csv\?[^"]+)"', page)
        assert links, url
        for link in links:
            response = client.get(link.replace("&amp;", "&"))
            assert response.status_code == 200, link
            assert response.get_data(as_text=True).startswith("\ufeff"), link


def test_an_unknown_table_is_not_found(client, login_as, manager, db):
    login_as(manager)
    assert client.get("/statistikk/sider/finnes-ikke.csv").status_code == 404
