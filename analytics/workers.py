"""Reading days in worker processes, for rollups of many days.

Reading and shaping a busy day (27,000 raw events) costs ~0.3 s of CPU, mostly turning the
driver's rows into Python objects; a year of them would not fit the 60 s the full rollup
may take on one core. So long runs read days in `workers` processes (the machine's cores,
at most 4) while this process numbers the visits, in day order, and writes: the workers only
read, so SQLite's single writer is never contended, and each keeps one day at a time.

Workers are forked when this process runs a single thread (the CLI, the benchmark): they
start at once with the app, and drop the inherited database connections. With other threads
running, forking could copy a lock someone holds, so they are spawned instead (a fresh
interpreter and app, ~2 s each). Runs shorter than PARALLEL_FROM_DAYS stay in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from itertools import islice

from flask import current_app

from analytics.daily import DayRollup, read_day
from bkm.extensions import db

PARALLEL_FROM_DAYS = 28
MAX_WORKERS = 4
AHEAD_PER_WORKER = 2  # days read ahead per worker: bounds the memory waiting results take


def default_workers() -> int:
    configured = current_app.config.get("ANALYTICS_ROLLUP_WORKERS")
    return int(configured) if configured else min(os.cpu_count() or 1, MAX_WORKERS)


def read_days(days: Iterable[date], workers: int | None = None) -> Iterator[DayRollup]:
    """read_day of each day, in the order given."""
    days = list(days)
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(days) < PARALLEL_FROM_DAYS:
        yield from (read_day(day) for day in days)
        return
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        context, start, argument = (
            multiprocessing.get_context("fork"),
            _adopt,
            current_app._get_current_object(),
        )
    else:
        context, start, argument = multiprocessing.get_context("spawn"), _start, _config()
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=start, initargs=(argument,)
    ) as pool:
        queue = iter(days)
        pending = deque(
            pool.submit(_read, day) for day in islice(queue, workers * AHEAD_PER_WORKER)
        )
        while pending:
            rollup = pending.popleft().result()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(_read, following))
            yield rollup


def _config() -> dict:
    return {
        "DATABASE_URL": current_app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": current_app.config["SECRET_KEY"],
        "ENV_NAME": current_app.config["ENV_NAME"],
        "TESTING": current_app.testing,
        "CLICKSTREAM_RECORDING": False,
    }


def _adopt(app) -> None:
    """In a forked worker: the parent's app, with connections of its own."""
    app.app_context().push()
    db.engine.dispose(close=False)  # the parent's connections stay the parent's


def _start(config: dict) -> None:
    from bkm import create_app

    app = create_app(config)
    app.app_context().push()  # for the life of the worker


def _read(day: date) -> DayRollup:
    return read_day(day)
