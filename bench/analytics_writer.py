"""Writing the analytics benchmark's rows: a day of events, counts and answers at a time, then
the orders, in bulk (executemany on SQLite, COPY for PostgreSQL's click events).

Tables come from the shop's metadata (Core inserts), except the click events, which go in
through the driver: 10 million rows are where the time goes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
from flask import Flask
from sqlalchemy import func, insert, select, text

from bench.analytics_catalogue import ANSWER_CODES, COUNT_COLUMNS, EVENT_COLUMNS, Catalogue
from bench.analytics_rows import DayRows, VisitorPool
from bkm.consent.policy import snapshot, text_digest
from bkm.demo.traffic_buyers import (
    ADDRESSES,
    BUSINESS_SHARE,
    DELIVERY_SHARE,
    FIRST_NAMES,
    LAST_NAMES,
)
from bkm.extensions import db
from bkm.forms import is_valid_org_number
from bkm.money import vat_part_ore

GRANTED = {  # banner answer -> purposes granted (of personalisation and statistics)
    "accept_all": ("personalisation", "statistics"),
    "statistics_only": ("statistics",),
    "personalisation_only": ("personalisation",),
    "reject_all": (),
}
OFFERED = ("personalisation", "statistics")
HANDED_OVER_AFTER = timedelta(days=6)
COMMIT_DAYS = 30  # older orders have been shipped or picked up


def _action(granted: tuple[str, ...]) -> str:
    return "accept" if len(granted) == len(OFFERED) else ("custom" if granted else "reject")


class Writer:
    def __init__(self, app: Flask, catalogue: Catalogue) -> None:
        self.app, self.catalogue = app, catalogue
        self.visitors = VisitorPool()
        self.tables = db.metadata.tables
        self.postgres = db.engine.dialect.name == "postgresql"
        policy = snapshot()  # publishes the shipped statement in a new shop, like the shop does
        self.version, self.digest = policy.version, text_digest(policy)
        self.consent_rows = self.days = 0
        self.purchases: list[tuple[float, list[int], int]] = []

    def start_load(self) -> None:
        """Bulk-load settings: click_events' indexes go until the end (building an index over
        sorted rows once is far faster than updating it row by row), and SQLite skips fsync
        (a scratch database: a crash only means running the benchmark again)."""
        if not self.postgres:
            db.session.execute(text("PRAGMA synchronous=OFF"))
            db.session.execute(text("PRAGMA cache_size=-262144"))  # 256 MB
        for index in self.tables["click_events"].indexes:
            index.drop(db.session.connection())
        db.session.commit()

    def finish_load(self) -> None:
        """The indexes back, exactly as the schema declares them, and fresh planner stats on
        PostgreSQL (what autovacuum would have gathered on a real year)."""
        for index in self.tables["click_events"].indexes:
            index.create(db.session.connection())
        db.session.commit()
        if self.postgres:
            db.session.execute(text("ANALYZE"))
            db.session.commit()

    def write_day(self, rows: DayRows) -> None:
        self._events(rows.events)
        if rows.counts:
            values = [dict(zip(COUNT_COLUMNS, row, strict=True)) for row in rows.counts]
            db.session.execute(insert(self.tables["click_page_counts"]), values)
        if rows.ledger:
            db.session.execute(
                insert(self.tables["consent_records"]), [self._answer(*a) for a in rows.ledger]
            )
            self.consent_rows += len(rows.ledger)
        self.purchases += rows.purchases
        self.days += 1
        if self.days % COMMIT_DAYS == 0:
            db.session.commit()

    def _answer(self, consent_id: str, code: int, at: float) -> dict:
        granted = GRANTED[ANSWER_CODES[code]]
        return {
            "consent_id": consent_id,
            "action": _action(granted),
            "granted": ",".join(granted),
            "refused": ",".join(p for p in OFFERED if p not in granted),
            "policy_version": self.version,
            "text_digest": self.digest,
            "channel": "banner",
            "at": datetime.fromtimestamp(at, UTC),
            "user_id": None,
        }

    def _events(self, events: dict[str, np.ndarray]) -> None:
        if not len(events["at"]):
            return
        stamps = np.datetime_as_string(
            (events["at"] * 1e6).astype("int64").astype("datetime64[us]")
        )
        # PostgreSQL reads ISO 8601 with an offset; SQLite gets SQLAlchemy's storage format.
        stamps = np.char.add(stamps, "+00") if self.postgres else np.char.replace(stamps, "T", " ")
        columns = [stamps.tolist()] + [events[name].tolist() for name in EVENT_COLUMNS[1:]]
        rows = zip(*columns, strict=True)
        names = ", ".join(EVENT_COLUMNS)
        connection = db.session.connection().connection.driver_connection
        if self.postgres:
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY click_events ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(EVENT_COLUMNS))
            connection.executemany(f"INSERT INTO click_events ({names}) VALUES ({marks})", rows)

    def write_orders(self, rng: np.random.Generator, until: datetime) -> int:
        """A customer per buying browser, an order per purchase, a line per item."""
        people = random.Random(int(rng.integers(1 << 30)))
        base_user = (db.session.scalar(select(func.max(self.tables["users"].c.id))) or 0) + 1
        base_order = (db.session.scalar(select(func.max(self.tables["orders"].c.id))) or 0) + 1
        customers: dict[int, dict] = {}
        orders, lines = [], []
        shipping = int(self.app.config["SHIPPING_PRICE_ORE"])
        for number, (at, items, visitor) in enumerate(sorted(self.purchases)):
            placed = datetime.fromtimestamp(at, UTC)
            if visitor not in customers:
                customers[visitor] = self._customer(people, base_user + len(customers), placed)
            order_id = base_order + number
            order_lines = [self._line(order_id, self.catalogue.items[i]) for i in items]
            lines += order_lines
            delivery = people.random() < DELIVERY_SHARE
            handed = placed + HANDED_OVER_AFTER < until.replace(tzinfo=UTC)
            orders.append(
                _order(order_id, customers[visitor], order_lines, delivery, placed, handed)
                | _shipping(shipping if delivery else 0, order_lines)
            )
        if orders:
            db.session.execute(insert(self.tables["users"]), list(customers.values()))
            db.session.execute(insert(self.tables["orders"]), orders)
            db.session.execute(insert(self.tables["order_lines"]), lines)
            if self.postgres:  # explicit ids: move the sequences past them
                for table in ("users", "orders"):
                    sequence = f"pg_get_serial_sequence('{table}', 'id')"
                    db.session.execute(
                        text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")
                    )
            db.session.commit()
        return len(orders)

    @staticmethod
    def _line(order_id: int, item: dict) -> dict:
        price = item["price_ore"]
        return {
            "order_id": order_id,
            "product_id": item["id"],
            "sku": item["sku"],
            "title": item["title"],
            "condition": item["condition"],
            "quantity": 1,
            "unit_price_ore": price,
            "line_total_ore": price,
            # Margin-scheme goods show no MVA, as place_order records them.
            "vat_ore": vat_part_ore(price) if item["vat_scheme"] == "standard" else 0,
            "vat_scheme": item["vat_scheme"],
        }

    @staticmethod
    def _customer(people: random.Random, user_id: int, first_order: datetime) -> dict:
        first, last = people.choice(FIRST_NAMES), people.choice(LAST_NAMES)
        street, postcode, city, _ = people.choice(ADDRESSES)
        business = people.random() < BUSINESS_SHARE
        org_number = None
        while business and org_number is None:
            candidate = str(people.randint(910_000_000, 999_999_999))
            org_number = candidate if is_valid_org_number(candidate) else None
        return {
            "id": user_id,
            "email": f"kunde{user_id}@bench.example.com",
            "name": f"{first} {last}",
            "password_hash": None,
            "role": "customer",
            "is_active_account": True,
            "created_at": first_order,
            "phone": f"+47{people.randint(40_000_000, 49_999_999)}",
            "street": f"{street} {people.randint(1, 60)}",
            "postcode": postcode,
            "city": city,
            "customer_type": "business" if business else "private",
            "company_name": f"{last} Regnskap AS" if business else None,
            "org_number": org_number,
            "registration_channel": "checkout",
        }


BUYER_FIELDS = (
    "name",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "company_name",
    "org_number",
)


def _order(order_id, customer, lines, delivery: bool, placed, handed: bool) -> dict:
    status = ("shipped" if delivery else "picked_up") if handed else "received"
    return {
        "id": order_id,
        "number": f"BKM-{100_000 + order_id}",
        "customer_id": customer["id"],
        "customer_type": customer["customer_type"],
        "status": status,
        **{name: customer[name] for name in BUYER_FIELDS},
        "delivery_method": "delivery" if delivery else "pickup",
        "delivery_street": customer["street"] if delivery else None,
        "delivery_postcode": customer["postcode"] if delivery else None,
        "delivery_city": customer["city"] if delivery else None,
        "payment_method": "invoice",
        "placed_at": placed,
    }


def _shipping(fee: int, lines: list[dict]) -> dict:
    subtotal = sum(line["line_total_ore"] for line in lines)
    return {
        "subtotal_ore": subtotal,
        "shipping_ore": fee,
        "total_ore": subtotal + fee,
        "vat_ore": sum(line["vat_ore"] for line in lines) + vat_part_ore(fee),
    }
