"""`make loadtest` in small: a few seconds of mixed shoppers against gunicorn, on the engine the
suite runs on (its own throw-away database beside BKM_TEST_DATABASE_URL's, or a SQLite file),
must pass every check and leave no database behind. And the checks themselves must fail when
the database disagrees with what the visitors saw.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import sqlalchemy as sa

from bench.loadtest_checks import After, run_checks
from bench.loadtest_database import Before
from bench.loadtest_tally import Receipt, Tally
from bkm import ROOT

CHECKS = (
    "no 5xx",
    "every answer as expected",
    "no oversold item",
    "no lost order",
    "no lost event",
    "graceful stop",
)


def run_load_test(*args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BKM_")}
    return subprocess.run(
        [sys.executable, "-m", "bench.loadtest", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_short_mixed_load_passes_every_check_and_drops_its_database():
    server_url = os.environ.get("BKM_TEST_DATABASE_URL")
    engine = ["--database-url", server_url] if server_url else ["--sqlite"]

    # More buyers and racers than by default, so that a slow machine's few visits buy too.
    mix = "browse=40,cart=10,buy=30,race=20"
    done = run_load_test(
        "--duration", "5", "--shoppers", "4", "--workers", "2", "--mix", mix, *engine
    )

    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    for check in CHECKS:
        assert f"PASS  {check}:" in done.stdout, output[-4000:]
    orders = re.search(r"^orders: (\d+) placed", done.stdout, re.MULTILINE)
    events = re.search(r"^events: (\d+) acknowledged", done.stdout, re.MULTILINE)
    assert int(orders.group(1)) >= 1 and int(events.group(1)) >= 1, done.stdout
    assert "BKM_CART_RATE_LIMIT" in done.stdout  # the raised limits are said out loud
    if server_url:
        name = re.search(r"created database (bkm_loadtest_\w+)", done.stdout).group(1)
        assert f"dropped database {name}" in done.stdout
        server = sa.create_engine(server_url)
        with server.connect() as connection:
            left = connection.execute(
                sa.text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar_one()
        server.dispose()
        assert left == 0


def test_without_a_postgresql_server_the_load_test_says_so_and_exits_2():
    done = run_load_test("--duration", "1", "--database-url", "postgresql://postgres@127.0.0.1:9/x")

    assert done.returncode == 2
    assert "does not answer" in done.stderr and "--sqlite" in done.stderr


def _before() -> Before:
    return Before(
        stock={1: 10, 2: 1}, single=(2,), last_order_id=0, last_event_id=0, page_count_views=0
    )


def _after(**changes) -> After:
    fields = {
        "stock": {1: 9, 2: 0},
        "ordered": {1: 1, 2: 1},
        "orders": {"BKM-1": ("a@example.no", ((1, 1),)), "BKM-2": ("b@example.no", ((2, 1),))},
        "script_events": 3,
        "page_events": 5,
        "counted_views": 7,
    }
    return After(**{**fields, **changes})


def _tally() -> Tally:
    tally = Tally()
    tally.note("page", "GET", "/", 200, 12.0, (200,))
    tally.placed(Receipt("BKM-1", "a@example.no", ((1, 1),)), 40.0)
    tally.placed(Receipt("BKM-2", "b@example.no", ((2, 1),)), 40.0)
    tally.acknowledged(3)
    return tally


def failed(checks) -> set[str]:
    return {check.name for check in checks if not check.passed}


def test_the_checks_pass_when_the_database_agrees_with_the_visitors():
    assert failed(run_checks(_tally(), _before(), _after(), 0)) == set()


def test_a_single_unit_item_sold_twice_fails_the_oversold_check():
    oversold = _after(stock={1: 9, 2: -1}, ordered={1: 1, 2: 2})

    assert "no oversold item" in failed(run_checks(_tally(), _before(), oversold, 0))


def test_stock_that_fell_without_an_order_line_fails_the_oversold_check():
    drifted = _after(stock={1: 8, 2: 0})

    assert failed(run_checks(_tally(), _before(), drifted, 0)) == {"no oversold item"}


def test_a_receipt_without_its_order_fails_the_lost_order_check():
    lost = _after(orders={"BKM-1": ("a@example.no", ((1, 1),))})

    assert "no lost order" in failed(run_checks(_tally(), _before(), lost, 0))


def test_an_order_whose_lines_differ_from_the_cart_fails_the_lost_order_check():
    changed = _after(
        orders={"BKM-1": ("a@example.no", ((1, 2),)), "BKM-2": ("b@example.no", ((2, 1),))}
    )

    assert failed(run_checks(_tally(), _before(), changed, 0)) == {"no lost order"}


def test_fewer_stored_events_than_acknowledged_fails_the_lost_event_check():
    assert failed(run_checks(_tally(), _before(), _after(script_events=2), 0)) == {"no lost event"}


def test_a_5xx_an_unexpected_answer_or_a_killed_server_fail_their_checks():
    tally = _tally()
    tally.note("checkout", "POST", "/kasse", 500, 30.0, (303,))
    tally.note("cart", "POST", "/handlekurv/legg-til", 429, 3.0, (303,))

    assert failed(run_checks(tally, _before(), _after(), -9)) == {
        "no 5xx",
        "every answer as expected",
        "graceful stop",
    }
