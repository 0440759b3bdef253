"""The checkout pass: stock for the shoppers, a timed run against the shop, the database check.

The products bought get STOCK units each, written straight into the benchmark's own
database before the server starts, so that selling out never ends or distorts the run.
Afterwards the database must hold exactly the orders the shoppers got receipts for (by
their unique e-mails: none lost, none extra) and each product must have lost exactly as many
units as its order lines say.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench import checkout, machine, servers
from bench.base import BenchError, tail
from bench.checkout import CheckoutResult, Run

STOCK = 100_000  # per product bought: far more than any run sells
PRODUCTS = 20  # distinct products the shoppers buy, round robin


@dataclass(frozen=True)
class Before:
    product_ids: list[int]
    orders: int  # all orders in the database before the run


def measure(
    env: dict[str, str],
    database_url: str,
    log: Path,
    shoppers: int,
    duration: int,
    also: frozenset[str],
) -> CheckoutResult:
    """Start the shop, warm the checkout up, let the shoppers buy, check the database."""
    result = CheckoutResult(shoppers=shoppers, duration_s=duration)
    before = stock_up(database_url)
    result.products = len(before.product_ids)
    with servers.gunicorn("shop (checkout)", "wsgi:app", env, log, "/helse") as server:
        run = Run(server.base, before.product_ids)
        print(
            f"bench:   {shoppers} shoppers buying for {duration} s: add to cart, GET /kasse, "
            "POST /kasse, receipt",
            flush=True,
        )
        first_failure = run.warm_up()
        if first_failure:
            result.problem = f"warm-up order failed: {first_failure}"
            print(f"bench:   checkout: {result.problem}. What the server logged:")
            print(tail(log.read_text(), 25) or "(nothing logged)")
        else:
            machine.settle()
            cpu_before = machine.cpu_snapshot(server.process.pid, also)
            elapsed, orders, latencies = run.timed(shoppers, duration)
            cpu_after = machine.cpu_snapshot(server.process.pid, also)
            result.others_cpu = machine.others_share(cpu_before, cpu_after)
            result.elapsed_s, result.orders = elapsed, orders
            result.p50_ms = checkout.percentile(latencies, 50)
            result.p99_ms = checkout.percentile(latencies, 99)
            result.failures = run.failures
            result.latencies_ms = latencies
    verify(database_url, before, run, result)
    return result


def stock_up(database_url: str) -> Before:
    """Give the first PRODUCTS active, in-stock products STOCK units each."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            product_ids = list(
                connection.execute(
                    sa.text(
                        "SELECT id FROM products WHERE is_active = :yes AND stock_quantity > 0 "
                        "ORDER BY id LIMIT :n"
                    ),
                    {"yes": True, "n": PRODUCTS},
                ).scalars()
            )
            if not product_ids:
                raise BenchError("the checkout pass found no active in-stock product to buy")
            connection.execute(
                sa.text("UPDATE products SET stock_quantity = :stock WHERE id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"stock": STOCK, "ids": product_ids},
            )
            orders = connection.execute(sa.text("SELECT count(*) FROM orders")).scalar_one()
    finally:
        engine.dispose()
    return Before(product_ids, orders)


def verify(database_url: str, before: Before, run: Run, result: CheckoutResult) -> None:
    """Orders in the database = receipts the shoppers got; stock fell by the units ordered."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    ids = sa.bindparam("ids", expanding=True)
    try:
        with engine.connect() as connection:
            total = connection.execute(sa.text("SELECT count(*) FROM orders")).scalar_one()
            emails = set(
                connection.execute(
                    sa.text("SELECT email FROM orders WHERE email LIKE :prefix"),
                    {"prefix": f"{run.prefix}-%"},
                ).scalars()
            )
            stock = dict(
                connection.execute(
                    sa.text("SELECT id, stock_quantity FROM products WHERE id IN :ids").bindparams(
                        ids
                    ),
                    {"ids": before.product_ids},
                ).all()
            )
            ordered = dict(
                connection.execute(
                    sa.text(
                        "SELECT l.product_id, sum(l.quantity) FROM order_lines l "
                        "JOIN orders o ON o.id = l.order_id "
                        "WHERE o.email LIKE :prefix GROUP BY l.product_id"
                    ),
                    {"prefix": f"{run.prefix}-%"},
                ).all()
            )
    finally:
        engine.dispose()
    result.receipts = len(run.placed)
    result.database_orders = total - before.orders
    taken = {product_id: STOCK - left for product_id, left in stock.items()}
    result.stock_taken = sum(taken.values())
    problems = []
    if lost := run.placed - emails:
        problems.append(f"{len(lost)} orders with a receipt are missing from the database")
    if phantom := emails - run.placed:
        problems.append(f"{len(phantom)} orders in the database got no receipt")
    if result.database_orders != len(emails):
        problems.append(f"{result.database_orders - len(emails)} new orders not placed by us")
    wrong = [p for p, units in taken.items() if units != ordered.get(p, 0)]
    if wrong:
        problems.append(
            f"stock of {len(wrong)} products fell by other than their ordered units "
            f"(stock down {result.stock_taken}, ordered {sum(ordered.values())})"
        )
    if sum(ordered.values()) != len(run.placed):
        problems.append(f"{sum(ordered.values())} units ordered, not one per receipt")
    result.mismatch = "; ".join(problems)
