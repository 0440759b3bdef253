"""What `make loadtest` prints: requests by kind, orders, races, consent, events, the checks."""

from __future__ import annotations

from collections import Counter

from bench.checkout import percentile
from bench.loadtest_checks import After, Check
from bench.loadtest_tally import KINDS, NO_RESPONSE, Tally
from bench.loadtest_visitors import RACERS_PER_ITEM
from bench.report import NOISE_WARNING

COLUMNS = (("kind", "<10"), ("requests", ">9"), ("req/s", ">8"), ("p50 ms", ">8"))
COLUMNS += (("p99 ms", ">8"), ("errors", ">7"))
WHAT = {
    "page": "front, category and product pages (also after a redirect)",
    "search": "GET /sok",
    "consent": "the banner's POST /samtykke",
    "cart": "POST /handlekurv/legg-til, GET /handlekurv",
    "checkout": "GET and POST /kasse, the receipt",
    "beacon": "POST /collect",
}


def _row(cells: list[str]) -> str:
    return " ".join(f"{cell:{spec}}" for cell, (_, spec) in zip(cells, COLUMNS, strict=True))


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _errors(statuses: Counter) -> int:
    return sum(n for status, n in statuses.items() if status >= 400 or status == NO_RESPONSE)


def print_requests(tally: Tally, setup: str) -> None:
    elapsed = tally.elapsed_s or 1.0
    header = _row([name for name, _ in COLUMNS]) + "  what"
    print(f"\n{setup}; the last visitor finished at {elapsed:.1f} s: rates are per {elapsed:.1f} s")
    print(header)
    print("-" * len(header))
    every: list[float] = []
    for kind in KINDS:
        latencies = tally.latencies_ms[kind]
        every += latencies
        cells = [kind, str(len(latencies)), f"{len(latencies) / elapsed:.1f}"]
        cells += [_ms(percentile(latencies, 50)), _ms(percentile(latencies, 99))]
        print(_row([*cells, str(_errors(tally.statuses[kind]))]) + f"  {WHAT[kind]}")
    print("-" * len(header))
    cells = ["total", str(len(every)), f"{len(every) / elapsed:.1f}"]
    cells += [_ms(percentile(every, 50)), _ms(percentile(every, 99))]
    print(_row([*cells, str(_errors(tally.by_status()))]))
    print()


def print_figures(tally: Tally, after: After, visitors: int, cpu: dict[str, float | None]) -> None:
    elapsed = tally.elapsed_s or 1.0
    visits = sum(tally.visits.values())
    print(
        f"visits: {visits} by {visitors} visitors in {elapsed:.1f} s: "
        + _shares(tally.visits, ("browse", "cart", "buy", "race"))
    )
    print("consent: " + _shares(tally.consents, ("accept", "statistics", "refuse", "ignore")))
    orders, placing = len(tally.receipts), tally.order_ms
    print(
        f"orders: {orders} placed = {orders / elapsed:.2f} orders/s; POST /kasse that placed one: "
        f"p50 {_ms(percentile(placing, 50))} ms, p99 {_ms(percentile(placing, 99))} ms"
    )
    if tally.races:
        print(
            f"races: {tally.items_raced} single-unit items, each by {RACERS_PER_ITEM} browsers "
            "at once; racers: " + ", ".join(_counted(tally.races))
        )
    print(
        f"events: {tally.events_acknowledged} acknowledged (204) in {tally.beacons_acknowledged} "
        f"beacons, {after.script_events} stored (product clicks, time on page); recorded by the "
        f"server besides: {after.page_events} page events with a visitor id, "
        f"{after.counted_views} views counted without one"
    )
    statuses = tally.by_status()
    print("answers by status: " + ", ".join(_status_counts(statuses)))
    errors = {s: n for s, n in statuses.items() if s >= 400 or s == NO_RESPONSE}
    print("errors by status: " + (", ".join(_status_counts(Counter(errors))) or "none"))
    others, client = cpu.get("others"), cpu.get("client")
    if client is not None:
        print(f"CPU: the visitors (this process) used {client:.0%} of one core", end="")
        print("" if others is None else f"; other processes {others:.0%} of the machine")
    if others is not None and others > NOISE_WARNING:
        print(
            f"WARNING: other processes used {others:.0%} of the CPU during the load, so the "
            "figures are low and noisy: rerun on an idle machine"
        )


def _shares(counter: Counter, keys: tuple[str, ...]) -> str:
    total = sum(counter.values()) or 1
    return ", ".join(f"{key} {counter[key]} ({counter[key] / total:.0%})" for key in keys)


def _counted(counter: Counter) -> list[str]:
    return [f"{what} {n}" for what, n in counter.most_common()]


def _status_counts(statuses: Counter) -> list[str]:
    return [
        f"{'no response' if status == NO_RESPONSE else status} × {n}"
        for status, n in sorted(statuses.items())
    ]


def print_checks(checks: list[Check]) -> None:
    print()
    for check in checks:
        print(f"{'PASS' if check.passed else 'FAIL'}  {check.name}: {check.detail}")
    failed = [check.name for check in checks if not check.passed]
    print()
    if failed:
        print(f"LOADTEST FAILED: {', '.join(failed)}")
    else:
        print(f"LOADTEST PASSED: all {len(checks)} checks")
