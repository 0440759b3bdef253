"""`make bench`: requests/second of the shop's product and category pages, against hello-world.

Builds a throw-away database (upgrade + demo seed), serves a bare Flask app and then the shop
with the same gunicorn setup in turn, loads each page with wrk on 127.0.0.1 and prints a
table. The shop is measured as configured (page micro-cache on) and again with the cache off;
then simulated shoppers place orders through the checkout (orders/second, checked in the
database); last, the clickstream collector takes POST /collect with 1 and with 20 events
(events/second, checked against the rows in click_events) and the product page is measured
with server-side recording on and off (collector.py). The statistics pass (analytics.py)
generates a year of click events into a database of its own and times the rollup and every
dashboard.
The target is that the product page, as configured, reaches at least half of hello-world's
requests/second. See bench/README.md for how to read the figures.

Exit codes: 0 figures printed (targets met or missed), 1 a page, the checkout or the
collector had errors (or lost events), 2 the benchmark could not be set up (no wrk, seed
failed, database not empty, ...).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if not __package__:  # run as a script (bench/run.py): import bench.* from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import analytics, checkout_pass, collector, database, machine, report, servers, wrk
from bench.base import run_command, tail
from bench.checkout import SHOPPERS

PRODUCT_PAGE = "shop /produkt/<slug>"
CATEGORY_PAGE = "shop /kategori/<slug>"
CACHE_ON, CACHE_OFF = "cache on", "cache off"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--database-url",
        help="benchmark this EMPTY PostgreSQL database (postgresql+psycopg://…) instead of a "
        "temporary SQLite file; it is migrated and seeded, and left as it is afterwards",
    )
    parser.add_argument(
        "--minimal-data",
        action="store_true",
        help="insert a small factory catalogue instead of running `flask bkm seed` "
        "(only for while the seed command is unavailable)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra shop configuration as BKM_KEY=VALUE, e.g. --set PRODUCTS_PER_PAGE=48 "
        "(repeatable)",
    )
    parser.add_argument(
        "--no-uncached",
        action="store_true",
        help="measure the shop only as configured, not again with the page cache off",
    )
    parser.add_argument(
        "--no-checkout", action="store_true", help="skip the orders/second checkout pass"
    )
    parser.add_argument(
        "--shoppers", type=int, default=SHOPPERS, help=f"checkout shoppers ({SHOPPERS})"
    )
    parser.add_argument(
        "--no-collector",
        action="store_true",
        help="skip the clickstream pass (POST /collect throughput, recording's cost)",
    )
    parser.add_argument(
        "--no-analytics",
        action="store_true",
        help="skip the statistics pass (rollup and dashboards on a year of click events)",
    )
    parser.add_argument(
        "--analytics-events",
        type=int,
        default=analytics.analytics_data.TARGET_EVENTS,
        metavar="N",
        help="click events the statistics pass generates (10,000,000: a year of a busy shop)",
    )
    parser.add_argument(
        "--analytics-database-url",
        help="run the statistics pass on this EMPTY PostgreSQL database instead of a temporary "
        "SQLite file; it is left as it is afterwards",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    parser.add_argument("--show-sql", action="store_true", help="print each page's SQL statements")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temp dir (logs, db)")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 600:
        parser.error("--duration must be 1..600 seconds")
    for setting in args.set:
        if "=" not in setting or not setting.split("=", 1)[0].isidentifier():
            parser.error(f"--set wants KEY=VALUE, not {setting!r}")
    if not 1 <= args.shoppers <= 64:
        parser.error("--shoppers must be 1..64")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    if args.analytics_events < 1000:
        parser.error("--analytics-events must be at least 1000")
    return args


def shop_configurations(env: dict[str, str], no_uncached: bool) -> dict[str, dict[str, str]]:
    """The shop's environment per configuration: as configured first, then the cache off."""
    if _cache_off(env.get("BKM_PAGE_CACHE_SECONDS")):
        print("bench: --set turns the page cache off already; measuring the shop once")
        return {CACHE_OFF: env}
    configurations = {CACHE_ON: env}
    if not no_uncached:
        configurations[CACHE_OFF] = {**env, "BKM_PAGE_CACHE_SECONDS": "0"}
    return configurations


def _cache_off(seconds: str | None) -> bool:
    try:
        return seconds is not None and float(seconds) <= 0
    except ValueError:
        return False  # not a number: the shop itself will say so


def measure(
    wrk_path: str, result: wrk.Result, server: servers.Server, args: argparse.Namespace
) -> wrk.Result:
    """Warm the page up, wait for a quiet machine, load it with wrk, note others' CPU share."""
    log_offset = server.log.stat().st_size
    status = servers.warm_up(result.url)
    if status != 200:
        answer = "no HTTP response" if status is None else f"HTTP {status}"
        result.problem = f"warm-up got {answer}, not 200"
        print(f"bench:   {result.target}: {result.problem}; not measured. What the server logged:")
        # Only this page's part of the log: the traceback that explains the failure.
        with server.log.open() as text:
            text.seek(log_offset)
            print(tail(text.read(), 25) or "(nothing logged)")
        return result
    machine.settle()
    also = machine.DATABASE_PROCESSES if args.database_url else frozenset()
    before = machine.cpu_snapshot(server.process.pid, also)
    wrk.run_wrk(wrk_path, result, args.threads, args.connections, args.duration)
    result.others_cpu = machine.others_share(before, machine.cpu_snapshot(server.process.pid, also))
    return result


def benchmark(args: argparse.Namespace, workdir: Path) -> int:
    wrk_path = wrk.ensure_wrk()
    if args.database_url:
        database.require_empty_database(args.database_url)
        database_url = args.database_url
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite'}"
    env = database.bench_environment(database_url, workdir / "media", args.set)
    print(f"bench: temp dir {workdir}; database {database.redact(database_url)}")
    if args.set:
        print(f"bench: shop settings: {', '.join('BKM_' + setting for setting in args.set)}")
    database.prepare_database(env, workdir / "setup.log", args.minimal_data)
    catalogue = database.pick_pages(database_url)
    print(
        f"bench: catalogue has {catalogue.products} products in {catalogue.categories} "
        f"categories; measuring /produkt/{catalogue.product_slug} and "
        f"/kategori/{catalogue.category_slug} ({catalogue.category_products} products)"
    )
    pages = {
        PRODUCT_PAGE: f"/produkt/{catalogue.product_slug}",
        CATEGORY_PAGE: f"/kategori/{catalogue.category_slug}",
    }
    queries = database.count_sql(env, list(pages.values()), workdir)
    if args.show_sql:
        report.show_sql(queries)

    # One server at a time: the two workers should have both cores, shared only with wrk.
    hello_log = workdir / "gunicorn-hello.log"
    with servers.gunicorn("hello-world", "bench.hello:app", env, hello_log, "/") as server:
        hello = wrk.Result(page="hello-world /", url=server.base + "/")
        results = [measure(wrk_path, hello, server, args)]
    for configuration, shop_env in shop_configurations(env, args.no_uncached).items():
        log = workdir / f"gunicorn-shop-{configuration.replace(' ', '-')}.log"
        with servers.gunicorn(
            f"shop ({configuration})", "wsgi:app", shop_env, log, "/helse"
        ) as server:
            for page, path in pages.items():
                result = wrk.Result(
                    page=page,
                    url=server.base + path,
                    configuration=configuration,
                    cookie=database.returning_visitor_cookie(),
                )
                counted = queries.get(path, {})
                if counted.get("status") == 200:
                    result.sql_statements = len(counted["statements"])
                results.append(measure(wrk_path, result, server, args))

    sale = None
    if not args.no_checkout:
        also = machine.DATABASE_PROCESSES if args.database_url else frozenset()
        log = workdir / "gunicorn-shop-checkout.log"
        sale = checkout_pass.measure(env, database_url, log, args.shoppers, args.duration, also)

    baseline = hello.requests_per_sec
    clicks = None
    if not args.no_collector:
        clicks = collector.measure(
            wrk_path,
            env,
            database_url,
            catalogue.product_slug,
            baseline,
            args,
            workdir,
            lambda result, server: measure(wrk_path, result, server, args),
        )
    statistics = None
    if not args.no_analytics:
        statistics = analytics.measure(
            workdir / "analytics", args.analytics_events, args.analytics_database_url
        )
    products = [r for r in results if r.page == PRODUCT_PAGE]
    uncached = products[1] if len(products) > 1 else None
    verdict = report.judge(products[0], uncached, baseline)
    report.print_table(results, baseline)
    if sale is not None:
        report.print_checkout(sale)
    if clicks is not None:
        collector.print_report(clicks)
    report.print_problems(results, sale)
    if clicks is not None:
        collector.print_problems(clicks)
    if statistics is not None:
        analytics.print_report(statistics)
    print("\n".join(verdict.lines))
    if clicks is not None:
        print("\n".join(collector.verdict_lines(clicks)))
    if statistics is not None:
        print("\n".join(analytics.verdict_lines(statistics)))
    if args.json:
        document = None if clicks is None else collector.to_json(clicks)
        report.write_json(args.json, results, baseline, catalogue, verdict, sale, args, document)
        figures = json.loads(args.json.read_text())
        figures["analytics"] = None if statistics is None else analytics.to_json(statistics)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    failed = any(r.failed for r in results) or (sale and sale.failed)
    failed = failed or (statistics is not None and statistics.failed)
    return 1 if failed or (clicks and clicks.failed) else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_command(
        "bench",
        lambda workdir: benchmark(args, workdir),
        keep_temp=args.keep_temp,
        goodbye="servers stopped",
    )


if __name__ == "__main__":
    sys.exit(main())
