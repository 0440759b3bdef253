"""A small day of shop traffic whose figures are worked out by hand (README, "Statistics").

Tuesday 10 March 2026 (Oslo is UTC+1), `copies` times over (k):

Visit A, visitor 1, computer (Linux, Firefox), from www.google.no:
    10:00:00 /                 front page
    10:00:30 /produkt/stol     product 1 (category Stoler)
    10:02:00 add to cart       product 1
    10:03:00 /produkt/bord     product 2 (category Bord)
    10:03:40 leave beacon      /produkt/bord, 50 000 ms
  3 page views, 220 s; time on page: / 30 s, stol 150 s, bord 50 s (the beacon).
Visit B, visitor 2, mobile (iOS, Mobile Safari), direct:
    12:00:00 /produkt/stol
  a bounce, 0 s; time on page unknown (no next page, no beacon).
Visit C, visitor 1 again (2nd visit, 0 days since), computer, ?utm_source=nyhetsbrev&
utm_campaign=vinter:
    18:00:00 /kategori/stoler
    18:00:20 /produkt/stol
    18:01:20 /produkt/bord
    18:01:30 /produkt/stol
    18:02:00 purchase          product 1
  4 page views, 120 s; time on page: category 20 s, stol 60 s, bord 10 s, last stol unknown.

Without statistics consent (cookieless counts): / 5k on computers, /produkt/stol 3k on
mobiles arriving from www.bing.com, and 7k page views by bots (never counted).
Orders: k orders of one "stol" (kr 1 500 incl. MVA, kr 300 MVA, pickup) placed 18:02, and
one cancelled order (never counted).
Consent ledger: k × (accept all, reject all, statistics only).

Worked out by hand, per copy: 2 visitors, 3 visits, 8 page views with consent and 8 without
(16), 8/3 pages per visit, durations 0, 120, 220 s (median 120 s, mean 113⅓ s), bounce rate
1/3, 1 order (kr 1 500; kr 1 200 without MVA), conversion 1/3.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.analytics.raw import MOBILE, count, event, oslo, visit_id
from tests.factories import make_category, make_consent_record, make_order, make_product

DAY = date(2026, 3, 10)
STOL_PRICE_ORE = 150_000


def make_products(copies: int = 1):
    chairs = make_category(slug="stoler", name="Stoler")
    desks = make_category(slug="bord", name="Bord")
    stol = make_product(
        category=chairs,
        slug="stol",
        title="Kinnarps stol",
        price_ore=STOL_PRICE_ORE,
        stock_quantity=copies + 1,
    )
    bord = make_product(category=desks, slug="bord", title="Skrivebord", price_ore=400_000)
    return stol, bord


def hand_made_day(stol, bord, *, copies: int = 1, day: date = DAY) -> None:
    for n in range(copies):
        first, second = f"a{n:031d}", f"b{n:031d}"
        stol_page = {"product_id": stol.id, "category_id": stol.category_id}
        bord_page = {"product_id": bord.id, "category_id": bord.category_id}

        a = visit_id()
        google = {"referrer_host": "www.google.no"}
        event(oslo(day, 10), "page_view", "/", visit=a, visitor=first, **google)
        event(
            oslo(day, 10, 0, 30),
            "product_view",
            "/produkt/stol",
            visit=a,
            visitor=first,
            **stol_page,
        )
        event(
            oslo(day, 10, 2),
            "add_to_cart",
            "/handlekurv/legg-til",
            visit=a,
            visitor=first,
            **stol_page,
        )
        event(
            oslo(day, 10, 3), "product_view", "/produkt/bord", visit=a, visitor=first, **bord_page
        )
        event(
            oslo(day, 10, 3, 40),
            "time_on_page",
            "/produkt/bord",
            visit=a,
            visitor=first,
            duration_ms=50_000,
        )

        b = visit_id()
        event(
            oslo(day, 12),
            "product_view",
            "/produkt/stol",
            visit=b,
            visitor=second,
            device=MOBILE,
            **stol_page,
        )

        c = visit_id()
        campaign = {"utm_source": "nyhetsbrev", "utm_campaign": "vinter"}
        category = {"category_id": stol.category_id}
        event(
            oslo(day, 18),
            "category_view",
            "/kategori/stoler",
            visit=c,
            visitor=first,
            **campaign,
            **category,
        )
        event(
            oslo(day, 18, 0, 20),
            "product_view",
            "/produkt/stol",
            visit=c,
            visitor=first,
            **stol_page,
        )
        event(
            oslo(day, 18, 1, 20),
            "product_view",
            "/produkt/bord",
            visit=c,
            visitor=first,
            **bord_page,
        )
        event(
            oslo(day, 18, 1, 30),
            "product_view",
            "/produkt/stol",
            visit=c,
            visitor=first,
            **stol_page,
        )
        event(oslo(day, 18, 2), "purchase", "/kasse", visit=c, visitor=first, product_id=stol.id)

        for granted in (("personalisation", "statistics"), (), ("statistics",)):
            make_consent_record(granted=granted, at=oslo(day, 9) + timedelta(minutes=n))

    count(day, "/", "front", 5 * copies, "computer")
    count(
        day,
        "/produkt/stol",
        "product",
        3 * copies,
        "mobile",
        product_id=stol.id,
        category_id=stol.category_id,
        referrer_host="www.bing.com",
    )
    count(day, "/", "front", 7 * copies, "bot")
    for _ in range(copies):
        order = make_order(lines={stol: 1})
        order.placed_at = oslo(day, 18, 2)
    cancelled = make_order(lines={bord: 1})
    cancelled.placed_at = oslo(day, 12, 30)
    cancelled.status = "cancelled"
