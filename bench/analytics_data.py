"""The analytics benchmark's data: a year of a busy shop's clickstream and orders, in bulk.

`python -m bench.analytics_data [--events N] [--database-url URL] [--keep]` builds a scratch
database (a SQLite file in a temporary directory, or the given EMPTY PostgreSQL database),
migrates it, loads the demo catalogue (`flask bkm seed`), and writes N click events (10
million: ~27,400 a day, a year of a busy shop) with the shape of the demo traffic
(bkm/demo/traffic_shape.py: weekday, season and hour rhythm, devices from real User-Agents,
referrers and campaigns, consent shares with refusers and bots only counted, returning
visitors, visits that never cross 30 idle minutes or Oslo midnight, journeys within a
category, searches, carts and purchases), the cookieless counts, the consent ledger's banner
answers, and the matching customers, orders and order lines. It does not go through the
shop's request code, which would take hours: numpy shapes a day at a time and the rows go in
with executemany (SQLite) or COPY (PostgreSQL). It prints what it wrote and how long it took.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

if not __package__:  # run as a script: import bench.* from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database
from bench.analytics_catalogue import Catalogue
from bench.analytics_rows import day_rows
from bench.analytics_writer import Writer
from bkm.demo import traffic_shape as shape

TARGET_EVENTS = 10_000_000
EVENTS_PER_VISIT = 5.2  # a first guess; each day corrects it towards the target


@dataclass
class DataSummary:
    database_url: str
    first_day: date
    last_day: date
    events: int = 0
    counted_views: int = 0  # cookieless counts' views (people and bots)
    visits: int = 0
    visitors: int = 0
    consent_rows: int = 0
    orders: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"analytics data: {self.events:,} click events, {self.counted_views:,} counted page "
            f"views, {self.visits:,} visits by {self.visitors:,} browsers, "
            f"{self.consent_rows:,} consent answers, {self.orders:,} orders "
            f"({self.first_day}..{self.last_day})",
            f"analytics data: generated and written in {self.seconds:.1f} s "
            f"({self.events / max(self.seconds, 1e-9):,.0f} events/s)",
        ]


def prepare(database_url: str, workdir: Path) -> dict[str, str]:
    """Schema and demo catalogue, as the rest of the benchmark prepares its database."""
    env = database.bench_environment(database_url, workdir / "media", [])
    database.prepare_database(env, workdir / "setup.log", minimal_data=False)
    return env


def generate(
    database_url: str,
    events: int = TARGET_EVENTS,
    *,
    seed: int = 1,
    end: date | None = None,
    bulk: bool = True,
) -> DataSummary:
    """Write `events` click events (a year ending `end`, default yesterday) and their orders
    into a migrated, seeded, otherwise empty database. `bulk` drops click_events' indexes while
    loading (and SQLite's fsync); the tests load without, into their shared database."""
    from bkm import create_app
    from bkm.extensions import db

    end = end or date.today() - timedelta(days=1)
    first = end - timedelta(days=364)
    summary = DataSummary(database.redact(database_url), first, end)
    started = clock.perf_counter()
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": database.SECRET_KEY})
    with app.app_context():
        rng = np.random.default_rng(seed)
        catalogue = Catalogue.load(rng)
        writer = Writer(app, catalogue)
        if bulk:
            writer.start_load()
        norm = shape.mean_day_factor(end)
        days = [first + timedelta(days=n) for n in range(365)]
        per_visit = EVENTS_PER_VISIT
        for index, day in enumerate(days):
            wanted = (events - summary.events) * shape.day_factor(day) / norm
            wanted /= max(1e-9, sum(shape.day_factor(d) for d in days[index:]) / norm)
            visits = max(1, round(wanted / per_visit)) if wanted >= 1 else 0
            last = index == len(days) - 1
            if last:  # a few visits more than needed, then cut: exactly `events` in all
                visits = round(visits * 1.3) + 10
            rows = day_rows(rng, catalogue, writer.visitors, day, visits)
            if last:
                rows.trim_events(events - summary.events)
            writer.write_day(rows)
            summary.events += rows.event_count
            summary.counted_views += rows.counted_views
            summary.visits += visits
            if visits and rows.event_count:
                per_visit = 0.7 * per_visit + 0.3 * rows.event_count / visits
        summary.orders = writer.write_orders(rng, until=datetime.combine(end, time(23, 59)))
        if bulk:
            writer.finish_load()
        db.session.commit()
        db.engine.dispose()
        summary.consent_rows = writer.consent_rows
        summary.visitors = writer.visitors.count
    summary.seconds = clock.perf_counter() - started
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=TARGET_EVENTS, help="click events (10M)")
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database instead of SQLite")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bkm-analytics-data-"))
    url = args.database_url or f"sqlite:///{workdir / 'analytics.sqlite'}"
    if args.database_url:
        database.require_empty_database(url)
    prepare(url, workdir)
    summary = generate(url, args.events, seed=args.seed)
    print("\n".join(summary.lines()))
    if args.keep or args.database_url:
        print(f"analytics data: database {summary.database_url}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
