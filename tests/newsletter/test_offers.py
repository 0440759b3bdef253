"""Offers from earlier purchases (R1.2): only subscribers who bought in the offer's categories
get them, by newsletter and on the front page; the offer price is rounded down to whole kroner
and shown against the "før"-price; sold-out products are never offered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.newsletter import sending
from bkm.newsletter.models import Newsletter, Offer, Subscription
from bkm.newsletter.offers import offer_price_ore, targeted_offers
from tests.factories import make_category, make_customer, make_order, make_product

SHOP = "https://butikk.test"


@pytest.fixture(autouse=True)
def shop_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "SHOP_URL", SHOP)


def subscribe(user, status="confirmed"):
    db.session.add(Subscription(user_id=user.id, status=status, source="mypage"))
    db.session.flush()
    return user


@pytest.fixture
def shop(db):
    desks, chairs, lamps = (make_category(name=n) for n in ("Skrivebord", "Stoler", "Lamper"))
    corner = make_category(name="Hjørnebord", parent_id=desks.id)
    chair = make_product(category=chairs, title="Håg H05", sku="STOL-5", price_ore=149_900)
    sold_out = make_product(category=chairs, title="Utsolgt stol", sku="STOL-6", stock_quantity=0)
    offer = Offer(
        title="Stoler til skrivebordet",
        description="For deg som har kjøpt skrivebord hos oss.",
        discount_percent=10,
        valid_from=oslo_today() - timedelta(days=1),
        valid_until=oslo_today() + timedelta(days=13),
        products=[chair, sold_out],
        bought_categories=[desks],
    )
    db.session.add(offer)
    db.session.flush()
    return {"desks": desks, "corner": corner, "lamps": lamps, "offer": offer, "chair": chair}


def buyer_of(category, *, subscribed=True):
    customer = make_customer()
    make_order(customer, {make_product(category=category): 1})
    if subscribed:
        subscribe(customer)
    return customer


def test_the_offer_price_is_rounded_down_to_whole_kroner():
    assert offer_price_ore(149_900, 10) == 134_900  # kr 1 349,10 → kr 1 349
    assert offer_price_ore(99_900, 15) == 84_900  # kr 849,15 → kr 849
    assert offer_price_ore(100_000, 90) == 10_000
    with pytest.raises(ValueError):
        offer_price_ore(100_000, 0)


@pytest.mark.req("R1.2")
def test_an_offer_newsletter_goes_only_to_subscribers_who_bought_in_its_categories(db, shop):
    desk_buyer = buyer_of(shop["desks"])
    corner_buyer = buyer_of(shop["corner"])  # a subcategory counts
    lamp_buyer = buyer_of(shop["lamps"])
    unsubscribed_buyer = buyer_of(shop["desks"], subscribed=False)
    pending_buyer = buyer_of(shop["desks"], subscribed=False)
    subscribe(pending_buyer, status="pending")
    no_orders = subscribe(make_customer())
    cancelled = make_customer()
    order = make_order(cancelled, {make_product(category=shop["desks"]): 1})
    order.status = "cancelled"
    subscribe(cancelled)
    newsletter = Newsletter(subject="Tilbud", intro="Se her.", offer_id=shop["offer"].id)
    db.session.add(newsletter)
    db.session.commit()

    assert sending.audience_count(newsletter) == 2
    sending.start_sending(newsletter)
    db.session.commit()
    assert sending.send_all(newsletter)

    mails = {m.recipient: m for m in db.session.scalars(select(MailMessage))}
    assert set(mails) == {desk_buyer.email, corner_buyer.email}
    for other in (lamp_buyer, unsubscribed_buyer, pending_buyer, no_orders, cancelled):
        assert other.email not in mails
    body = mails[desk_buyer.email].text_body
    assert "Stoler til skrivebordet" in body
    assert "tilbudspris kr\u00a01\u00a0349 (før kr\u00a01\u00a0499)" in body
    valid = f"{shop['offer'].valid_from:%d.%m.%Y}–{shop['offer'].valid_until:%d.%m.%Y}"
    assert valid in body
    assert "Utsolgt stol" not in body and "Utsolgt stol" not in mails[desk_buyer.email].html_body
    assert "gis ikke automatisk i kassen" in body


@pytest.mark.req("R1.2")
def test_the_front_page_shows_an_active_offer_only_to_the_customers_it_targets(app, db, shop):
    target = buyer_of(shop["desks"])
    not_subscribed = buyer_of(shop["desks"], subscribed=False)
    other_buyer = buyer_of(shop["lamps"])
    db.session.commit()

    assert [o.id for o, _lines in targeted_offers(target.id)] == [shop["offer"].id]
    assert targeted_offers(not_subscribed.id) == []
    assert targeted_offers(other_buyer.id) == []
    assert targeted_offers(target.id, today=shop["offer"].valid_until + timedelta(days=1)) == []

    client = app.test_client()
    anonymous = client.get("/").get_data(as_text=True)
    assert 'data-testid="targeted-offers"' not in anonymous
    client.submit(
        "/konto/logg-inn",
        {"email": target.email, "password": "riktig-hest-batteri-stift"},
    )
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="targeted-offers"' in page
    assert "Stoler til skrivebordet" in page and "Utsolgt stol" not in page

    for other in (not_subscribed, other_buyer):
        browser = app.test_client()
        browser.submit(
            "/konto/logg-inn", {"email": other.email, "password": "riktig-hest-batteri-stift"}
        )
        assert 'data-testid="targeted-offers"' not in browser.get("/").get_data(as_text=True)


def test_staff_create_an_offer_and_make_its_newsletter(client, login_as, staff, db, shop):
    db.session.commit()
    login_as(staff)
    assert client.get("/admin/kampanjetilbud").status_code == 200
    start = oslo_today()
    good = {
        "title": "Lamper til pulten",
        "description": "",
        "discount_percent": "20",
        "valid_from": start.isoformat(),
        "valid_until": (start + timedelta(days=7)).isoformat(),
        "skus": "STOL-5",
        "categories": [str(shop["desks"].id)],
    }
    before = db.session.scalar(select(func.count()).select_from(Offer))
    for change, message in [
        ({"discount_percent": "95"}, "fra 1 til 90"),
        ({"discount_percent": "ti"}, "helt tall"),
        ({"valid_until": (start - timedelta(days=2)).isoformat()}, "Til-datoen"),
        ({"valid_from": "i morgen"}, "fra-datoen som en dato"),
        ({"skus": "FINNES-IKKE"}, "Fant ikke varenummer"),
        ({"categories": []}, "Velg minst én kategori"),
        ({"title": ""}, "Skriv en tittel."),
    ]:
        response = client.submit("/admin/kampanjetilbud/ny", {**good, **change})
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert db.session.scalar(select(func.count()).select_from(Offer)) == before

    response = client.submit("/admin/kampanjetilbud/ny", good)
    assert response.status_code == 303
    offer = db.session.scalars(select(Offer).where(Offer.title == "Lamper til pulten")).one()
    assert offer.discount_percent == 20 and [c.id for c in offer.bought_categories] == [
        shop["desks"].id
    ]
    url = f"/admin/kampanjetilbud/{offer.id}"
    response = client.submit(f"{url}/nyhetsbrev", {}, form_url=url)
    assert response.status_code == 303
    newsletter = db.session.scalars(select(Newsletter).where(Newsletter.offer_id == offer.id)).one()
    assert newsletter.status == "draft" and newsletter.subject == "Lamper til pulten"
