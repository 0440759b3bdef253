"""The demo's buyers: invented Norwegian people and offices, and their orders, placed by the
shop's own rules at the time the demo visit bought.

A buyer becomes a customer the way a guest at /kasse does (`cart.checkout.guest_customer`), the
order is placed by `orders.placing.place_order` (stock decremented, prices and buyer
snapshotted) and then dated back to the visit's moment; an order old enough has been handed
over by `orders.shipments.record_shipment` a few working days later, as staff would record it.
No mail is queued and no document issued: the demo's customers are not real, and their
addresses are in example.com (RFC 2606), so nothing could reach anyone anyway.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bkm.accounts.registration import CustomerDetails
from bkm.cart.checkout import guest_customer
from bkm.clock import OSLO, to_oslo
from bkm.demo.listings import slugify
from bkm.forms import is_valid_org_number, is_valid_phone
from bkm.orders.placing import CheckoutDetails, place_order
from bkm.orders.shipments import record_shipment

# fmt: off
FIRST_NAMES = (
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg",
    "Hilde", "Nina", "Ida", "Nora", "Emma", "Sofie", "Thea", "Silje", "Camilla", "Maria",
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Hans",
    "Geir", "Tor", "Morten", "Terje", "Odd", "Erik", "Martin", "Andreas", "Jonas", "Magnus",
)
LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen",
    "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen", "Ali", "Lunde", "Solheim", "Berge",
    "Moe", "Nygård", "Bakke", "Kristensen", "Fredriksen", "Holm", "Lien", "Hauge", "Christensen",
    "Andresen", "Nielsen", "Knudsen", "Evensen", "Sæther", "Aas", "Myhre", "Hanssen", "Ahmed",
    "Haugland",
)
# Street, postcode, town; most buyers live within a drive of Elverum, some anywhere in Norway.
ADDRESSES = (
    ("Storgata", "2408", "Elverum", 8), ("Vestadvegen", "2406", "Elverum", 4),
    ("Strandgata", "2317", "Hamar", 6), ("Grønnegata", "2317", "Hamar", 3),
    ("Storgata", "2609", "Lillehammer", 3), ("Storgata", "2815", "Gjøvik", 3),
    ("Brugata", "2211", "Kongsvinger", 3), ("Storvegen", "2420", "Trysil", 2),
    ("Rv 3", "2450", "Rena", 2), ("Storgata", "2000", "Lillestrøm", 4),
    ("Karl Johans gate", "0154", "Oslo", 4), ("Thorvald Meyers gate", "0552", "Oslo", 4),
    ("Drammensveien", "0271", "Oslo", 3), ("Trondheimsveien", "0560", "Oslo", 3),
    ("Kongens gate", "7011", "Trondheim", 2), ("Strandgaten", "5013", "Bergen", 2),
    ("Bragernes torg", "3017", "Drammen", 2), ("Kirkegata", "4006", "Stavanger", 1),
    ("Markens gate", "4611", "Kristiansand", 1), ("Storgata", "9008", "Tromsø", 1),
)
COMPANY_PATTERNS = (
    "{last} Regnskap AS", "{town} Eiendom AS", "Advokatfirmaet {last} AS", "{town} Tannklinikk AS",
    "{last} Bygg AS", "{town} Rør AS", "{last} & {other} AS", "{town} Legesenter AS",
    "{last} Consulting AS", "{town} Elektro AS", "{town} Kontorfellesskap AS",
)
# fmt: on
BUSINESS_SHARE = 0.35
DELIVERY_SHARE = 0.55  # the rest pick up in Elverum
PAY_AT_PICKUP_SHARE = 0.3  # of pickups; everyone else pays by invoice
HANDOVER_DAYS = (1, 6)  # staff hand an order over this many days after it was placed


@dataclass(frozen=True)
class Buyer:
    """Who a demo browser buys as; kept with the browser, so a returning buyer is one customer."""

    details: CustomerDetails
    delivery_method: str
    payment_method: str


def new_buyer(rng: random.Random, number: int) -> Buyer:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    street, postcode, town, _ = rng.choices(ADDRESSES, weights=[a[3] for a in ADDRESSES])[0]
    business = rng.random() < BUSINESS_SHARE
    company = org_number = None
    if business:
        pattern = rng.choice(COMPANY_PATTERNS)
        company = pattern.format(last=last, town=town, other=rng.choice(LAST_NAMES))
        org_number = _org_number(rng)
    local = f"{slugify(first)}.{slugify(last)}{number}".replace("-", ".")
    domain = f"{slugify(company)}.example.com" if company else "example.com"
    details = CustomerDetails(
        name=f"{first} {last}",
        email=f"{local}@{domain}",
        phone=_mobile_number(rng),
        street=f"{street} {rng.randint(1, 60)}",
        postcode=postcode,
        city=town,
        customer_type="business" if business else "private",
        company_name=company,
        org_number=org_number,
    )
    delivery = "delivery" if rng.random() < DELIVERY_SHARE else "pickup"
    pay_at_pickup = delivery == "pickup" and rng.random() < PAY_AT_PICKUP_SHARE
    return Buyer(details, delivery, "pickup" if pay_at_pickup else "invoice")


def _mobile_number(rng: random.Random) -> str:
    while True:  # not every 4xx/9xx number is allocated; the shop checks with phonenumbers
        candidate = f"+47{rng.choice('49')}{rng.randrange(10_000_000):07d}"
        if is_valid_phone(candidate):
            return candidate


def _org_number(rng: random.Random) -> str:
    while True:
        candidate = f"{rng.randint(910_000_000, 999_999_999)}"
        if is_valid_org_number(candidate):
            return candidate


def place_demo_order(
    buyer: Buyer, product_ids: list[int], at: datetime, until: datetime, rng: random.Random
):
    """The order of a demo visit that bought at `at`; handed over if that was before `until`."""
    customer = guest_customer(buyer.details)
    if customer.created_at > at:  # new now: a guest becomes a customer with the first order
        customer.created_at = at
    details = buyer.details
    checkout = CheckoutDetails(
        customer_type=details.customer_type,
        name=details.name,
        email=details.email,
        phone=customer.phone or details.phone,
        street=details.street,
        postcode=details.postcode,
        city=details.city,
        delivery_method=buyer.delivery_method,
        payment_method=buyer.payment_method,
        company_name=details.company_name,
        org_number=details.org_number,
    )
    order = place_order(customer, [(product_id, 1) for product_id in product_ids], checkout)
    order.placed_at = at
    handover = _handover(at, rng)
    if handover < until:
        record_shipment(order, {line.id: line.quantity for line in order.lines}, at=handover)
    return order


def _handover(at: datetime, rng: random.Random) -> datetime:
    """A working day a few days on, in the shop's hours (Oslo)."""
    day = to_oslo(at).date() + timedelta(days=rng.randint(*HANDOVER_DAYS))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    moment = datetime.combine(day, time(rng.randint(9, 15), rng.randrange(60)), OSLO)
    return moment.astimezone(at.tzinfo)
