"""`make loadtest`: a mixed shopper load against gunicorn on PostgreSQL, and what it must not do.

Creates a throw-away PostgreSQL database (bkm_loadtest_<random>), migrates and seeds it,
stocks it (plenty for buyers, one unit of some items for races), serves the shop with the
repository's gunicorn.conf.py on a free loopback port, and lets simulated visitors browse,
search, answer the cookie banner, send clickstream beacons, fill carts and order as guests
for --duration seconds (loadtest_visitors.py). Then gunicorn is stopped gracefully and the
database is checked: no 5xx, no oversold item, no lost order, no lost event
(loadtest_checks.py). The database is dropped at the end, also on an error or Ctrl-C.
See bench/README.md, "make loadtest".

Exit codes: 0 every check passed, 1 a check failed, 2 the load test could not be set up
(PostgreSQL does not answer, the seed failed, gunicorn did not start), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

if not __package__:  # run as a script (bench/loadtest.py): import bench.* from the repository
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database, loadtest_checks, loadtest_database, loadtest_report, machine, servers
from bench.base import ROOT, VENV_BIN, run_command, tail
from bench.loadtest_database import Before
from bench.loadtest_tally import Tally
from bench.loadtest_visitors import VISIT_MIX, Catalogue, Crowd, parse_mix, run

DURATION_S = 60
VISITORS = 16
WORKERS = 2 * (os.cpu_count() or 1) + 1  # gunicorn.conf.py's own default
# Every visitor comes from 127.0.0.1, one address for the shop's per-address rate limits,
# which would answer 429 within seconds; these are the limits the visitors' requests meet.
RAISED_LIMITS = ("CART_RATE_LIMIT", "CHECKOUT_HOLD_RATE_LIMIT", "COLLECT_RATE_LIMIT")
RAISED_TO = "1000000/minute"
GRACEFUL_TIMEOUT_S = 10  # gunicorn's; below servers.stop's 15 s wait before SIGKILL


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=DURATION_S, help=f"seconds of load ({DURATION_S})"
    )
    parser.add_argument(
        "--shoppers", type=int, default=VISITORS, help=f"concurrent visitors ({VISITORS})"
    )
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help=f"gunicorn workers ({WORKERS})"
    )
    parser.add_argument(
        "--database-url",
        default=loadtest_database.SERVER_URL,
        help="the PostgreSQL server to create the throw-away database on, as a URL of a "
        f"database to connect to there (default {loadtest_database.SERVER_URL})",
    )
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="a temporary SQLite file instead of PostgreSQL",
    )
    parser.add_argument(
        "--mix",
        default="",
        metavar="KIND=WEIGHT,…",
        help="weights of the visit kinds (default "
        + ",".join(f"{kind}={weight}" for kind, weight in VISIT_MIX.items())
        + "); kinds left out keep theirs",
    )
    parser.add_argument("--seed", type=int, default=1, help="the visitors' random seed (1)")
    parser.add_argument("--keep-temp", action="store_true", help="keep the logs and mail")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 3600:
        parser.error("--duration must be 1..3600 seconds")
    if not 1 <= args.shoppers <= 256:
        parser.error("--shoppers must be 1..256")
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be 1..64")
    if args.sqlite and args.database_url != loadtest_database.SERVER_URL:
        parser.error("--sqlite and --database-url exclude each other")
    try:
        args.mix = parse_mix(args.mix)
    except ValueError as error:
        parser.error(f"--mix: {error}")
    return args


@contextlib.contextmanager
def throwaway_database(args: argparse.Namespace, workdir: Path) -> Iterator[str]:
    if args.sqlite:
        print("loadtest: --sqlite: a temporary SQLite file instead of PostgreSQL")
        yield f"sqlite:///{workdir / 'loadtest.sqlite'}"
        return
    server_url = loadtest_database.postgres_url(args.database_url)
    with loadtest_database.throwaway_postgres(server_url) as url:
        yield url


@contextlib.contextmanager
def shop(env: dict[str, str], workers: int, log: Path) -> Iterator[servers.Server]:
    """gunicorn with the repository's gunicorn.conf.py on a free port; stopped with SIGTERM."""
    port = servers.free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"{servers.HOST}:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_GRACEFUL_TIMEOUT": str(GRACEFUL_TIMEOUT_S),
    }
    command = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
    print(
        f"loadtest: gunicorn -c gunicorn.conf.py wsgi:app on {servers.HOST}:{port}, "
        f"{workers} workers",
        flush=True,
    )
    with log.open("a") as out:
        # Own session: Ctrl-C reaches only us, and we stop gunicorn in order.
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base, started = f"http://{servers.HOST}:{port}", time.monotonic()
        servers.wait_until_ready(server, base + "/helse", log)
        print(f"loadtest:   ready in {time.monotonic() - started:.1f} s", flush=True)
        yield servers.Server(server, base, log)
    finally:
        servers.stop(server)  # SIGTERM, the workers flush their events; SIGKILL after 15 s


def load_test(args: argparse.Namespace, workdir: Path) -> int:
    with throwaway_database(args, workdir) as url:
        env, before, catalogue = prepare(url, workdir)
        log = workdir / "gunicorn.log"
        with shop(env, args.workers, log) as server:
            tally, cpu = visit(server, catalogue, args)
            print("loadtest: stopping gunicorn (SIGTERM) and checking the database", flush=True)
        after = loadtest_checks.read_after(url, before)
        checks = loadtest_checks.run_checks(tally, before, after, server.process.returncode)
        engine = "SQLite" if args.sqlite else "PostgreSQL"
        setup = (
            f"load: {args.shoppers} visitors for {args.duration} s against {args.workers} "
            f"gunicorn workers on {engine}, {os.cpu_count()} cores"
        )
        loadtest_report.print_requests(tally, setup)
        loadtest_report.print_figures(tally, after, args.shoppers, cpu)
        if tally.server_errors:
            print("\nWhat the server logged last:\n" + (tail(log.read_text(), 40) or "(nothing)"))
        loadtest_report.print_checks(checks)
    return 0 if all(check.passed for check in checks) else 1


def prepare(url: str, workdir: Path) -> tuple[dict[str, str], Before, Catalogue]:
    """The shop's environment (rate limits raised), the migrated, seeded and stocked
    database's state, and the catalogue the visitors browse."""
    limits = [f"{setting}={RAISED_TO}" for setting in RAISED_LIMITS]
    env = database.bench_environment(url, workdir / "media", limits)
    print(
        "loadtest: every visitor comes from 127.0.0.1, so the shop's per-address rate "
        f"limits are raised to {RAISED_TO}: "
        + ", ".join(f"BKM_{setting}" for setting in RAISED_LIMITS)
    )
    database.prepare_database(env, workdir / "setup.log", minimal_data=False)
    before = loadtest_database.stock_up(url)
    catalogue = loadtest_database.read_catalogue(url, before)
    print(
        f"loadtest: {len(catalogue.products)} active products in "
        f"{len(catalogue.categories)} categories; {len(catalogue.stocked)} stocked with "
        f"{loadtest_database.STOCK} units, {len(catalogue.single)} with a single unit"
    )
    return env, before, catalogue


def visit(
    server: servers.Server, catalogue: Catalogue, args: argparse.Namespace
) -> tuple[Tally, dict[str, float | None]]:
    """The visitors' run against the server; what they saw, and who used the CPU."""
    print(f"loadtest: {args.shoppers} visitors for {args.duration} s", flush=True)
    also = frozenset() if args.sqlite else machine.DATABASE_PROCESSES
    cpu_before, client_before = machine.cpu_snapshot(server.process.pid, also), _cpu()
    tally = Tally()
    crowd = Crowd(
        base=server.base,
        catalogue=catalogue,
        tally=tally,
        deadline=time.monotonic() + args.duration,
        singles=list(reversed(catalogue.single)),
        email_prefix=f"loadtest-{uuid.uuid4().hex[:8]}",
        visit_mix=args.mix,
    )
    run(crowd, args.shoppers, args.seed)
    cpu_after = machine.cpu_snapshot(server.process.pid, also)
    client = (_cpu() - client_before) / tally.elapsed_s if tally.elapsed_s else None
    return tally, {"others": machine.others_share(cpu_before, cpu_after), "client": client}


def _cpu() -> float:
    """CPU seconds this process (the visitors) has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_command(
        "loadtest",
        lambda workdir: load_test(args, workdir),
        keep_temp=args.keep_temp,
        goodbye="server stopped, database dropped",
    )


if __name__ == "__main__":
    sys.exit(main())
