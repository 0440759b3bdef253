"""What a run prints and writes: the table, the verdict, warnings, the JSON document."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.checkout import CheckoutResult
from bench.database import Catalogue
from bench.servers import WORKERS
from bench.wrk import Result

TARGET_RATIO = 0.5  # product page req/s must be at least this fraction of hello-world's
NOISE_WARNING = 0.10  # CPU share others took during a run above which its figures are suspect

COLUMNS = (
    ("target", "<33"),
    ("req/s", ">9"),
    ("p50 ms", ">8"),
    ("p99 ms", ">8"),
    ("errors", ">7"),
    ("ratio", ">6"),
    ("SQL/req", ">8"),
    ("others", ">7"),
)


def ratio(result: Result | None, baseline: float | None) -> float | None:
    """The result's req/s as a fraction of hello-world's, if both were measured."""
    if result is None or result.requests_per_sec is None or not baseline:
        return None
    return result.requests_per_sec / baseline


def _row(cells: list[str]) -> str:
    return " ".join(f"{cell:{spec}}" for cell, (_, spec) in zip(cells, COLUMNS, strict=True))


def print_table(results: list[Result], baseline: float | None) -> None:
    header = _row([name for name, _ in COLUMNS])
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        sql = "" if r.sql_statements is None else str(r.sql_statements)
        others = "" if r.others_cpu is None else f"{r.others_cpu:.0%}"
        if r.requests_per_sec is None:
            print(_row([r.target, "-", "-", "-", "-", "-", sql, others]) + f"  {r.problem}")
            continue
        share = ratio(r, baseline)
        cells = [
            r.target,
            f"{r.requests_per_sec:.1f}",
            _ms(r.p50_ms),
            _ms(r.p99_ms),
            str(r.errors),
            "-" if share is None else f"{share:.2f}",
            sql,
            others,
        ]
        print(_row(cells))
    print()


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_checkout(sale: CheckoutResult) -> None:
    """The checkout's row under the pages' table, in the same columns, and what it means."""
    title = f"checkout ({sale.shoppers} shoppers)"
    header = _row([title, "orders/s", "p50 ms", "p99 ms", "errors", "", "", "others"])
    print(header)
    print("-" * len(header))
    others = "" if sale.others_cpu is None else f"{sale.others_cpu:.0%}"
    if sale.orders_per_sec is None:
        print(
            _row(["checkout: orders/s", "-", "-", "-", "-", "", "", others]) + f"  {sale.problem}"
        )
    else:
        rate = f"{sale.orders_per_sec:.1f}"
        p50, p99 = _ms(sale.p50_ms), _ms(sale.p99_ms)
        print(_row(["checkout: orders/s", rate, p50, p99, str(sale.errors), "", "", others]))
        print(
            f"\ncheckout: {sale.orders} orders in {sale.elapsed_s:.1f} s by {sale.shoppers} "
            f"shoppers, each order a new guest buying 1 of {sale.products} products; "
            "p50/p99 are of POST /kasse"
        )
    if sale.database_orders is not None and not sale.mismatch:
        warm_up = f" ({sale.receipts - sale.orders} of them warm-up)" if sale.elapsed_s else ""
        print(
            f"checkout: the database agrees: {sale.database_orders} new orders = "
            f"{sale.receipts} receipts{warm_up}, stock down by {sale.stock_taken}"
        )
    print()


def print_problems(results: list[Result], sale: CheckoutResult | None = None) -> None:
    """Errors of failed pages, and a warning for each run that other processes disturbed."""
    for r in results:
        if r.failed:
            print(f"ERRORS on {r.target}: {r.problem or ''} {r.error_summary()}".rstrip())
    if sale is not None and (sale.problem or sale.failures):
        failures = ", ".join(f"{n} × {what}" for what, n in sale.failures.most_common(5))
        print(f"ERRORS in the checkout: {sale.problem or failures}")
    if sale is not None and sale.mismatch:
        print(f"CHECKOUT MISMATCH between the shoppers and the database: {sale.mismatch}")
    disturbed = [(r.target, r.others_cpu) for r in results]
    if sale is not None:
        disturbed.append(("the checkout", sale.others_cpu))
    for target, others in disturbed:
        if others is not None and others > NOISE_WARNING:
            print(
                f"WARNING: other processes used {others:.0%} of the CPU while {target} "
                "was measured, so its figures are low and noisy: rerun on an idle machine"
            )


@dataclass(frozen=True)
class Verdict:
    met: bool | None  # None: not evaluated
    product_ratio: float | None  # the target's figure: product page as configured
    uncached_product_ratio: float | None  # product page with the page cache off, if measured
    lines: tuple[str, ...]


def judge(product: Result, uncached: Result | None, baseline: float | None) -> Verdict:
    """The target line about the product page as configured, and a plain uncached line."""
    share = ratio(product, baseline)
    if share is None:
        met = None
        lines = [f"TARGET NOT EVALUATED: {product.target} or hello-world was not measured"]
    else:
        met = share >= TARGET_RATIO
        lines = [
            f"TARGET {'MET' if met else 'MISSED'}: {_figures(product, share, baseline)} "
            f"(target ≥ {TARGET_RATIO:.2f})"
        ]
    uncached_share = ratio(uncached, baseline)
    if uncached is not None:
        figures = "not measured"
        if uncached_share is not None:
            figures = _figures(uncached, uncached_share, baseline)
        lines.append(
            f"Uncached, not the target: {figures}; "
            "what every cache miss and every logged-in visitor gets"
        )
    return Verdict(met, share, uncached_share, tuple(lines))


def _figures(result: Result, share: float, baseline: float) -> str:
    page = f"product page ({result.configuration})" if result.configuration else "product page"
    return (
        f"{page} {result.requests_per_sec:.1f} req/s = {share:.2f} × hello-world "
        f"{baseline:.1f} req/s"
    )


def write_json(
    path: Path,
    results: list[Result],
    baseline: float | None,
    catalogue: Catalogue,
    verdict: Verdict,
    sale: CheckoutResult | None,
    args: argparse.Namespace,
    collector: dict | None = None,
) -> None:
    document = {
        "target_ratio": TARGET_RATIO,
        "target_met": verdict.met,
        "product_ratio": verdict.product_ratio,
        "uncached_product_ratio": verdict.uncached_product_ratio,
        "duration_s": args.duration,
        "threads": args.threads,
        "connections": args.connections,
        "workers": WORKERS,
        "cpus": os.cpu_count(),
        "database": "postgresql" if args.database_url else "sqlite",
        "minimal_data": args.minimal_data,
        "settings": args.set,
        "catalogue": asdict(catalogue),
        "results": [
            {
                "target": r.target,
                **asdict(r),
                "errors": r.errors,
                "ratio": ratio(r, baseline),
            }
            for r in results
        ],
        "checkout": None if sale is None else _checkout_json(sale),
        "collector": collector,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"bench: figures written to {path}")


def _checkout_json(sale: CheckoutResult) -> dict:
    document = asdict(sale)
    del document["latencies_ms"]
    document["failures"] = dict(sale.failures)
    return {
        "target": "checkout: orders/s",
        "orders_per_sec": sale.orders_per_sec,
        **document,
        "errors": sale.errors,
    }


def show_sql(queries: dict[str, dict]) -> None:
    for path, found in queries.items():
        print(f"\nSQL for {path} (HTTP {found['status']}, {len(found['statements'])} statements):")
        for statement in found["statements"]:
            print(f"  {statement[:200]}")
