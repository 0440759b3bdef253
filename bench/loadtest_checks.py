"""The load test's verdict: what the visitors saw, compared with the database after gunicorn's
graceful stop (so every buffered clickstream event has been written).

- no 5xx: no visitor got a server error;
- every answer as expected: no 4xx, no missing response, no redirect to the wrong place;
- no oversold item: no stock below 0, no product sold beyond its starting stock, and each
  product's stock fell by exactly the units in its new order lines;
- no lost order: every receipt's order is in the database with the e-mail and the lines the
  visitor put in the cart, and there are as many new orders as receipts;
- no lost event: the script events stored (product clicks, time on page) are at least those
  acknowledged with 204 (more only if a beacon was written after its visitor stopped waiting);
- graceful stop: gunicorn exited 0 after SIGTERM.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from bench.loadtest_database import Before
from bench.loadtest_tally import Tally

SCRIPT_EVENTS = ("product_click", "time_on_page")  # only beacons store these
SHOWN = 5  # examples listed in a failed check


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class After:
    """What the load left in the database."""

    stock: dict[int, int]
    ordered: dict[int, int]  # product id -> units in new order lines
    orders: dict[str, tuple[str, tuple[tuple[int, int], ...]]]  # number -> (e-mail, lines)
    script_events: int  # new product_click and time_on_page rows
    page_events: int  # new rows of the server's own kinds (page views, product views, …)
    counted_views: int  # new views counted without a visitor id (click_page_counts)


def read_after(database_url: str, before: Before) -> After:
    engine = sa.create_engine(database_url)
    new_order = {"last": before.last_order_id}
    new_event = {"last": before.last_event_id, "types": list(SCRIPT_EVENTS)}
    types = sa.bindparam("types", expanding=True)
    try:
        with engine.connect() as connection:
            stock = dict(
                connection.execute(sa.text("SELECT id, stock_quantity FROM products")).all()
            )
            lines: dict[int, list] = defaultdict(list)
            numbers = _numbers(connection, new_order)
            for order_id, product_id, quantity in connection.execute(
                sa.text(
                    "SELECT order_id, product_id, quantity FROM order_lines WHERE order_id > :last"
                ),
                new_order,
            ):
                lines[order_id].append((product_id, quantity))
            script = connection.execute(
                sa.text(
                    "SELECT count(*) FROM click_events WHERE id > :last AND type IN :types"
                ).bindparams(types),
                new_event,
            ).scalar_one()
            page = connection.execute(
                sa.text(
                    "SELECT count(*) FROM click_events WHERE id > :last AND type NOT IN :types"
                ).bindparams(types),
                new_event,
            ).scalar_one()
            views = connection.execute(
                sa.text("SELECT coalesce(sum(views), 0) FROM click_page_counts")
            ).scalar_one()
    finally:
        engine.dispose()
    ordered: dict[int, int] = defaultdict(int)
    orders = {}
    for order_id, (number, email) in numbers.items():
        merged: dict[int, int] = defaultdict(int)
        for product_id, quantity in lines[order_id]:
            merged[product_id] += quantity
            ordered[product_id] += quantity
        orders[number] = (email, tuple(sorted(merged.items())))
    return After(stock, dict(ordered), orders, script, page, views - before.page_count_views)


def _numbers(connection, new_order: dict) -> dict[int, tuple[str, str]]:
    rows = connection.execute(
        sa.text("SELECT id, number, email FROM orders WHERE id > :last"), new_order
    )
    return {order_id: (number, email) for order_id, number, email in rows}


def run_checks(tally: Tally, before: Before, after: After, exit_code: int | None) -> list[Check]:
    return [
        _no_server_errors(tally),
        _answers_as_expected(tally),
        _no_oversold_item(before, after),
        _no_lost_order(tally, after),
        _no_lost_event(tally, after),
        _graceful_stop(exit_code),
    ]


def _no_server_errors(tally: Tally) -> Check:
    errors = tally.server_errors
    if not errors:
        return Check("no 5xx", True, f"{tally.requests} requests, not one answered 5xx")
    listed = "; ".join(
        f"{n} × {method} {route} → {status}" for (method, route, status), n in errors.items()
    )
    return Check("no 5xx", False, f"{sum(errors.values())} server errors: {listed}")


def _answers_as_expected(tally: Tally) -> Check:
    total = tally.unexpected_total()
    if not total:
        return Check(
            "every answer as expected", True, "no 4xx, no missing response, no wrong redirect"
        )
    return Check(
        "every answer as expected", False, f"{total} unexpected: {'; '.join(tally.examples())}"
    )


def _no_oversold_item(before: Before, after: After) -> Check:
    below_zero = [p for p, left in after.stock.items() if left < 0]
    oversold = [p for p, units in after.ordered.items() if units > before.stock.get(p, 0)]
    drifted = [
        p
        for p, start in before.stock.items()
        if start - after.stock.get(p, start) != after.ordered.get(p, 0)
    ]
    problems = []
    if below_zero:
        problems.append(f"stock below 0 for products {below_zero[:SHOWN]}")
    if oversold:
        problems.append(f"sold beyond the starting stock: products {oversold[:SHOWN]}")
    if drifted:
        problems.append(f"stock fell by other than the units ordered: products {drifted[:SHOWN]}")
    if problems:
        return Check("no oversold item", False, "; ".join(problems))
    sold_once = sum(1 for p in before.single if after.ordered.get(p, 0) == 1)
    units = sum(after.ordered.values())
    return Check(
        "no oversold item",
        True,
        f"{len(before.stock)} products, none below 0; units sold: {units}, each product's stock "
        f"down by exactly its units ordered; single-unit items: {sold_once} sold once, "
        f"{len(before.single) - sold_once} unsold, none twice",
    )


def _no_lost_order(tally: Tally, after: After) -> Check:
    problems = []
    missing = [r.number for r in tally.receipts if r.number not in after.orders]
    wrong = [
        r.number
        for r in tally.receipts
        if r.number in after.orders and after.orders[r.number] != (r.email, r.lines)
    ]
    if missing:
        problems.append(f"{len(missing)} receipts without their order: {missing[:SHOWN]}")
    if wrong:
        problems.append(f"{len(wrong)} orders differ from their cart: {wrong[:SHOWN]}")
    if len(after.orders) != len(tally.receipts):
        problems.append(f"{len(after.orders)} new orders but {len(tally.receipts)} receipts")
    if problems:
        return Check("no lost order", False, "; ".join(problems))
    return Check(
        "no lost order",
        True,
        f"{len(tally.receipts)} receipts = {len(after.orders)} new orders, each with the "
        "visitor's e-mail and cart lines",
    )


def _no_lost_event(tally: Tally, after: After) -> Check:
    acknowledged, stored = tally.events_acknowledged, after.script_events
    detail = (
        f"{acknowledged} events acknowledged (204) in {tally.beacons_acknowledged} beacons, "
        f"{stored} stored"
    )
    if stored < acknowledged:
        return Check("no lost event", False, f"{detail}: {acknowledged - stored} LOST")
    return Check("no lost event", True, detail)


def _graceful_stop(exit_code: int | None) -> Check:
    if exit_code == 0:
        return Check("graceful stop", True, "gunicorn exited 0 after SIGTERM")
    how = "did not stop" if exit_code is None else f"exited {exit_code}"
    return Check("graceful stop", False, f"gunicorn {how} after SIGTERM")
