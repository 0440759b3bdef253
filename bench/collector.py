"""The clickstream collector: POST /collect throughput, its rows in the database, recording's cost.

Two shop servers, one after the other, each as configured plus a collector rate limit far
above anything wrk can send (`BKM_COLLECT_RATE_LIMIT`), differing only in server-side
recording (`BKM_CLICKSTREAM_RECORDING`):

1. recording on (the default): the product page as a returning visitor with statistics
   consent (so the page view is recorded with the visitor id), then POST /collect loaded by
   wrk with bench/lua/post.lua, once with 1 event per request and once with 20. After each
   collector run the new rows in `click_events` are counted and compared with the events
   wrk got a 2xx for: none may be lost.
2. recording off: the same product page, as the same visitor.

The figures are judged against the collector's targets (batches ≥ 20,000 events/s; single
events ≥ 0.7 × hello-world's requests/s) and recording's (it costs the product page at most
10 % of its requests/s). See bench/README.md, "The clickstream collector".
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import database, machine, servers, wrk
from bench.base import ROOT, BenchError, tail
from bench.report import NOISE_WARNING

COLLECT_PATH = "/collect"
SCRIPT = ROOT / "bench" / "lua" / "post.lua"
PAGE = "shop /produkt/<slug>"
RATE_LIMIT = "10000000/minute"  # per truncated IP; wrk is one IP: the default would throttle it
VISITOR_ID = "0123456789abcdef" * 2  # bkm_besok: 32 hex, the same browser for every request
VISIT_ID = "fedcba9876543210" * 2  # bkm_okt's visit id: one visit that goes on
# A browser's: without a User-Agent the shop takes wrk for a bot, answers 204 and stores nothing.
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
BATCH = 20  # events per POST in the batch run
EVENT_TYPES = ("product_click", "time_on_page")  # what the bench sends; page views are not
WARMUP_POSTS = 10  # each must answer 204 before the timed run
SETTLE_S = 1.0  # after wrk stops, for the requests still in the workers to commit
TABLE = "click_events"

TARGET_BATCH_EVENTS_PER_SEC = 20_000.0
TARGET_SINGLE_RATIO = 0.7  # single-event req/s as a fraction of hello-world's
TARGET_RECORDING_COST = 0.10  # product page req/s lost to recording, at most

RECORDING_ON, RECORDING_OFF = "recording on", "recording off"


# --- the requests ------------------------------------------------------------------------


def statistics_cookie(now: float | None = None) -> str:
    """Cookie header of a returning visitor who gave statistics consent, in a visit.

    The consent cookie with "statistics" granted, the visitor id a browser with that consent
    has (bkm_besok), and the visit cookie (bkm_okt, "<visit id>.<unix time>") of a visit
    active since `now`: wrk keeps no cookies, so every request continues the same visit, as a
    browser's would, instead of starting a new one. The cookie names are the shop's own.
    """
    from bkm.clickstream.visits import VISIT_COOKIE
    from bkm.consent.registry import STATISTICS, VISITOR_COOKIE

    consent = database.returning_visitor_cookie(granted=(STATISTICS,))
    visit = f"{VISIT_ID}.{int(time.time() if now is None else now)}"
    return f"{consent}; {VISITOR_COOKIE}={VISITOR_ID}; {VISIT_COOKIE}={visit}"


def events_body(count: int, product_slug: str, product_id: int) -> str:
    """The JSON body of one POST /collect: `count` events about the product page.

    A single event is a product click; a batch alternates clicks and time-on-page events,
    as a browser flushing its queue would send them.
    """
    path = f"/produkt/{product_slug}"
    events = []
    for n in range(count):
        if n % 2 == 0:
            events.append({"type": "product_click", "path": path, "product_id": product_id})
        else:
            events.append({"type": "time_on_page", "path": path, "duration_ms": 1000 + 250 * n})
    return json.dumps({"events": events}, separators=(",", ":"))


def post(base: str, body: str, cookie: str) -> tuple[int | None, str]:
    """One POST /collect as wrk sends it; (status, start of the body) or (None, the error).

    http.client, not urllib: a redirect must show as what it is, not be followed.
    """
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {
        "Content-Type": "application/json",
        "Origin": base,
        "Cookie": cookie,
        "User-Agent": USER_AGENT,
    }
    try:
        connection.request("POST", COLLECT_PATH, body=body.encode(), headers=headers)
        response = connection.getresponse()
        return response.status, response.read(300).decode(errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return None, str(error)
    finally:
        connection.close()


# --- one collector run -------------------------------------------------------------------


@dataclass
class CollectorRun:
    """wrk's figures for POST /collect with a fixed number of events, and the rows it left."""

    result: wrk.Result  # requests, req/s, latency, non-2xx, socket errors, problem
    events_per_request: int
    rows: int | None = None  # new rows of EVENT_TYPES in click_events over the run

    @property
    def label(self) -> str:
        n = self.events_per_request
        return f"collector: {n} event{'s' if n != 1 else ''} per POST"

    @property
    def events_per_sec(self) -> float | None:
        rate = self.result.requests_per_sec
        return None if rate is None else rate * self.events_per_request

    @property
    def acknowledged_requests(self) -> int:
        return acknowledged(self.result)

    @property
    def acknowledged_events(self) -> int:
        return self.acknowledged_requests * self.events_per_request

    @property
    def lost(self) -> int | None:
        """Events wrk got a 2xx for that are not in the database; must be 0."""
        return None if self.rows is None else lost_events(self.acknowledged_events, self.rows)

    @property
    def unacknowledged_rows(self) -> int | None:
        """Rows beyond the acknowledged events: requests wrk stopped waiting for."""
        return None if self.rows is None else max(0, self.rows - self.acknowledged_events)

    @property
    def failed(self) -> bool:
        return self.result.failed or self.rows is None or bool(self.lost)


def acknowledged(result: wrk.Result) -> int:
    """Requests that certainly got a 2xx: wrk's completed responses minus every error.

    wrk counts a request when its response has arrived, and counts responses with status
    >= 400 as "Non-2xx or 3xx". A request that timed out is counted as a timeout error and
    may still complete later, so subtracting every socket error can only undercount: the
    lost figure errs towards 0 only when rows really are there.
    """
    return max(0, result.requests - result.non_2xx_3xx - sum(result.socket_errors.values()))


def lost_events(acknowledged_events: int, rows: int) -> int:
    """Acknowledged events with no row. More rows than acknowledgements is not a loss: wrk
    stops with requests in flight, which the workers still commit."""
    return max(0, acknowledged_events - rows)


def in_flight_bound(connections: int, events_per_request: int) -> int:
    """At most one request per connection is in flight when wrk stops."""
    return connections * events_per_request


# --- counting rows -----------------------------------------------------------------------


def count_rows(database_url: str) -> int:
    """Rows in click_events of the types the bench sends (all rows if there is no type column).

    Raises LookupError when the table does not exist (the collector has not landed) or the
    database cannot be read.
    """
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        inspector = sa.inspect(engine)
        if not inspector.has_table(TABLE):
            raise LookupError(f"no table {TABLE} in the database")
        columns = {column["name"] for column in inspector.get_columns(TABLE)}
        kind = type_column(columns)
        query = sa.select(sa.func.count()).select_from(sa.table(TABLE))
        if kind:
            query = query.where(sa.column(kind).in_(EVENT_TYPES))
        with engine.connect() as connection:
            return connection.execute(query).scalar_one()
    except sa.exc.SQLAlchemyError as error:
        raise LookupError(f"reading {TABLE} failed: {error}") from error
    finally:
        engine.dispose()


def type_column(columns: set[str]) -> str | None:
    """The column holding an event's type, so server-side page views are not counted."""
    return next((name for name in ("type", "event_type", "kind") if name in columns), None)


def product_id(database_url: str, slug: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT id FROM products WHERE slug = :slug"), {"slug": slug}
            ).scalar_one()
    finally:
        engine.dispose()


# --- the pass ----------------------------------------------------------------------------


@dataclass
class CollectorReport:
    baseline: float | None  # hello-world's req/s, measured at the start of the same run
    runs: list[CollectorRun] = field(default_factory=list)
    pages: dict[str, wrk.Result] = field(default_factory=dict)  # RECORDING_ON/OFF -> page
    connections: int = 0
    problem: str = ""  # a server of the pass did not start: the rest was not measured

    @property
    def failed(self) -> bool:
        return (
            bool(self.problem)
            or any(run.failed for run in self.runs)
            or any(page.failed for page in self.pages.values())
        )


MeasurePage = Callable[[wrk.Result, servers.Server], wrk.Result]


def measure(
    wrk_path: str,
    env: dict[str, str],
    database_url: str,
    product_slug: str,
    baseline: float | None,
    args,
    workdir: Path,
    measure_page: MeasurePage,
) -> CollectorReport:
    """Both servers in turn: the product page on each, the collector runs on the first.

    A server that does not start ends the pass with `report.problem` set; the figures
    measured before it (and the rest of the benchmark's) still count.
    """
    report = CollectorReport(baseline=baseline, connections=args.connections)
    cookie = statistics_cookie()
    the_id = product_id(database_url, product_slug)
    also = machine.DATABASE_PROCESSES if args.database_url else frozenset()
    collector_env = {**env, "BKM_COLLECT_RATE_LIMIT": RATE_LIMIT}
    for recording, setting in ((RECORDING_ON, "true"), (RECORDING_OFF, "false")):
        server_env = {**collector_env, "BKM_CLICKSTREAM_RECORDING": setting}
        log = workdir / f"gunicorn-shop-{recording.replace(' ', '-')}.log"
        name = f"shop ({recording}, statistics consent)"
        try:
            with servers.gunicorn(name, "wsgi:app", server_env, log, "/helse") as server:
                page = wrk.Result(
                    page=PAGE,
                    url=f"{server.base}/produkt/{product_slug}",
                    configuration=recording,
                    cookie=cookie,
                    headers={"User-Agent": USER_AGENT},
                )
                report.pages[recording] = measure_page(page, server)
        except BenchError as error:
            report.problem = f"{name} could not be measured: {error}"
            print(f"bench:   {report.problem}")
            return report
    # Each collector run gets a server of its own, and its rows are counted after that server
    # has stopped: the workers answer from their buffers and write them on a graceful stop.
    for count in (1, BATCH):
        name = f"shop (collector, {count} per request)"
        log = workdir / f"gunicorn-shop-collector-{count}.log"
        server_env = {**collector_env, "BKM_CLICKSTREAM_RECORDING": "false"}
        try:
            before = count_rows(database_url)
            with servers.gunicorn(name, "wsgi:app", server_env, log, "/helse") as server:
                body = events_body(count, product_slug, the_id)
                # A visit active from now: a browser renews its visit cookie, wrk cannot.
                run = _load(wrk_path, count, server, body, statistics_cookie(), args, also)
            if not run.result.problem:
                run.rows = count_rows(database_url) - before - WARMUP_POSTS * count
            report.runs.append(run)
        except (BenchError, LookupError) as error:
            report.problem = f"{name} could not be measured: {error}"
            print(f"bench:   {report.problem}")
            break
    return report


def _load(
    wrk_path: str,
    count: int,
    server: servers.Server,
    body: str,
    cookie: str,
    args,
    also: frozenset[str],
) -> CollectorRun:
    """Warm up with POSTs that must answer 204, then load with wrk (rows: see measure)."""
    result = wrk.Result(
        page=f"POST {COLLECT_PATH}",
        url=server.base + COLLECT_PATH,
        configuration=f"{count} per request",
    )
    run = CollectorRun(result=result, events_per_request=count)
    log_offset = server.log.stat().st_size
    for _ in range(WARMUP_POSTS):
        status, answer = post(server.base, body, cookie)
        if status != 204:
            got = "no HTTP response" if status is None else f"HTTP {status}"
            detail = f" {answer.strip()[:120]}" if answer.strip() else ""
            result.problem = f"warm-up POST got {got}, not 204{detail}"
            print(f"bench:   {run.label}: {result.problem}; not measured. The server logged:")
            with server.log.open() as text:
                text.seek(log_offset)
                print(tail(text.read(), 15) or "(nothing logged)")
            return run
    machine.settle()
    cpu_before = machine.cpu_snapshot(server.process.pid, also)
    script_env = {
        "BENCH_POST_BODY": body,
        "BENCH_POST_ORIGIN": server.base,
        "BENCH_POST_COOKIE": cookie,
        "BENCH_POST_USER_AGENT": USER_AGENT,
    }
    wrk.run_wrk(wrk_path, result, args.threads, args.connections, args.duration, SCRIPT, script_env)
    result.others_cpu = machine.others_share(
        cpu_before, machine.cpu_snapshot(server.process.pid, also)
    )
    time.sleep(SETTLE_S)  # requests wrk left in flight finish in the workers
    return run


# --- the figures -------------------------------------------------------------------------

COLUMNS = (
    ("collector (POST /collect)", "<36"),
    ("req/s", ">9"),
    ("events/s", ">10"),
    ("p50 ms", ">8"),
    ("p99 ms", ">8"),
    ("non-2xx", ">8"),
    ("ratio", ">6"),
    ("others", ">7"),
    ("target", "<0"),
)
RECORDING_COLUMNS = (
    ("product page, statistics consent", "<36"),
    ("req/s", ">9"),
    ("p50 ms", ">8"),
    ("p99 ms", ">8"),
    ("errors", ">7"),
    ("ratio", ">6"),
    ("others", ">7"),
    ("target", "<0"),
)


def _row(cells: list[str], columns=COLUMNS) -> str:
    pairs = zip(cells, columns, strict=True)
    return " ".join(f"{cell:{spec}}" for cell, (_, spec) in pairs).rstrip()


def _num(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else f"{value:{spec}}"


def _share(value: float | None, baseline: float | None) -> float | None:
    return None if value is None or not baseline else value / baseline


def _others(result: wrk.Result) -> str:
    return "" if result.others_cpu is None else f"{result.others_cpu:.0%}"


def recording_ratio(report: CollectorReport) -> float | None:
    """Product page req/s with recording on as a fraction of the same with it off."""
    on, off = report.pages.get(RECORDING_ON), report.pages.get(RECORDING_OFF)
    if on is None or off is None:
        return None
    return _share(on.requests_per_sec, off.requests_per_sec)


def run_met(run: CollectorRun, baseline: float | None) -> bool | None:
    """The run's target: batches by events/s, single events by their share of hello-world."""
    if run.events_per_request == 1:
        share = _share(run.result.requests_per_sec, baseline)
        return None if share is None else share >= TARGET_SINGLE_RATIO
    rate = run.events_per_sec
    return None if rate is None else rate >= TARGET_BATCH_EVENTS_PER_SEC


def recording_met(ratio: float | None) -> bool | None:
    return None if ratio is None else 1 - ratio <= TARGET_RECORDING_COST


def _target_text(run: CollectorRun, baseline: float | None) -> str:
    if run.events_per_request == 1:
        goal = f"≥ {TARGET_SINGLE_RATIO:.2f} × hello-world"
    else:
        goal = f"≥ {TARGET_BATCH_EVENTS_PER_SEC:,.0f} events/s"
    return f"{goal}: {_met_word(run_met(run, baseline))}"


def _met_word(met: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "not evaluated"}[met]


def _print_table(header: str, rows: list[str]) -> None:
    print(header)
    print("-" * max(len(line) for line in [header, *rows]))
    for line in rows:
        print(line)


def print_report(report: CollectorReport) -> None:
    """The collector's table and its database check, then the recording table."""
    baseline = report.baseline
    rate = "-" if baseline is None else f"{baseline:.1f}"
    rows = [_row(["hello-world / (this run)", rate, "", "", "", "", "1.00", "", "the baseline"])]
    for run in report.runs:
        r = run.result
        if r.requests_per_sec is None:
            cells = [run.label, "-", "-", "-", "-", "-", "-", _others(r), "not measured"]
            rows.append(_row(cells) + f"; {r.problem}")
            continue
        cells = [
            run.label,
            f"{r.requests_per_sec:.1f}",
            f"{run.events_per_sec:.0f}",
            _num(r.p50_ms),
            _num(r.p99_ms),
            str(r.non_2xx_3xx),
            _num(_share(r.requests_per_sec, baseline)),
            _others(r),
            _target_text(run, baseline),
        ]
        rows.append(_row(cells))
    _print_table(_row([name for name, _ in COLUMNS]), rows)
    print()
    for run in report.runs:
        if line := database_line(run, report.connections):
            print(line)
    print()
    _print_recording(report)


def database_line(run: CollectorRun, connections: int) -> str:
    """What the database holds against what wrk was told: `lost: N`."""
    if run.rows is None:
        return ""
    r, n = run.result, run.events_per_request
    errors = r.non_2xx_3xx + sum(r.socket_errors.values())
    per_request = f"{run.acknowledged_requests} requests × {n} = " if n != 1 else ""
    line = (
        f"{run.label}: {per_request}{run.acknowledged_events} events acknowledged "
        f"({r.requests} responses - {errors} errors), {run.rows} new rows in {TABLE}; "
        f"lost: {run.lost}"
    )
    if extra := run.unacknowledged_rows:
        bound = in_flight_bound(connections, n)
        why = "in flight when wrk stopped" if extra <= bound else "MORE than can be in flight"
        line += f" (+{extra} rows without an acknowledgement: {why}, at most {bound})"
    return line


def _print_recording(report: CollectorReport) -> None:
    ratio = recording_ratio(report)
    rows = []
    for name, r in report.pages.items():
        if r.requests_per_sec is None:
            cells = [r.target, "-", "-", "-", "-", "-", _others(r), "not measured"]
            rows.append(_row(cells, RECORDING_COLUMNS) + f"; {r.problem}")
            continue
        target = ""
        if name == RECORDING_ON:
            cost = "-" if ratio is None else f"{1 - ratio:.0%}"
            target = (
                f"costs {cost} (≤ {TARGET_RECORDING_COST:.0%}): {_met_word(recording_met(ratio))}"
            )
        cells = [
            r.target,
            f"{r.requests_per_sec:.1f}",
            _num(r.p50_ms),
            _num(r.p99_ms),
            str(r.errors),
            _num(_share(r.requests_per_sec, report.baseline)),
            _others(r),
            target,
        ]
        rows.append(_row(cells, RECORDING_COLUMNS))
    _print_table(_row([name for name, _ in RECORDING_COLUMNS], RECORDING_COLUMNS), rows)
    print()


def print_problems(report: CollectorReport) -> None:
    if report.problem:
        print(f"ERRORS in the clickstream pass: {report.problem}")
    for run in report.runs:
        if run.result.failed:
            print(f"ERRORS on {run.label}: {_what_failed(run.result)}")
        if run.lost:
            print(
                f"COLLECTOR LOST EVENTS: {run.label}: {run.lost} acknowledged events are not "
                f"in {TABLE}"
            )
    for r in report.pages.values():
        if r.failed:
            print(f"ERRORS on {r.target}: {_what_failed(r)}")
    disturbed = [(run.label, run.result.others_cpu) for run in report.runs]
    disturbed += [(r.target, r.others_cpu) for r in report.pages.values()]
    for target, others in disturbed:
        if others is not None and others > NOISE_WARNING:
            print(
                f"WARNING: other processes used {others:.0%} of the CPU while {target} "
                "was measured, so its figures are low and noisy: rerun on an idle machine"
            )


def _what_failed(result: wrk.Result) -> str:
    return "; ".join(part for part in (result.problem, result.error_summary()) if part)


def verdict_lines(report: CollectorReport) -> list[str]:
    """One line per target (batches, single events, recording's cost), then the loss."""
    lines = []
    by_size = {run.events_per_request: run for run in report.runs}
    batch, single = by_size.get(BATCH), by_size.get(1)
    met = None if batch is None else run_met(batch, report.baseline)
    if met is None:
        lines.append(f"COLLECTOR TARGET NOT EVALUATED: {BATCH} events per POST were not measured")
    else:
        lines.append(
            f"COLLECTOR TARGET {_met_word(met).upper()}: {BATCH} events per POST "
            f"{batch.events_per_sec:,.0f} events/s ({batch.result.requests_per_sec:.1f} req/s) "
            f"(target ≥ {TARGET_BATCH_EVENTS_PER_SEC:,.0f} events/s)"
        )
    met = None if single is None else run_met(single, report.baseline)
    if met is None:
        lines.append(
            "COLLECTOR TARGET NOT EVALUATED: 1 event per POST or hello-world was not measured"
        )
    else:
        share = _share(single.result.requests_per_sec, report.baseline)
        lines.append(
            f"COLLECTOR TARGET {_met_word(met).upper()}: 1 event per POST "
            f"{single.result.requests_per_sec:.1f} req/s = {share:.2f} × hello-world "
            f"{report.baseline:.1f} req/s (target ≥ {TARGET_SINGLE_RATIO:.2f})"
        )
    ratio = recording_ratio(report)
    met = recording_met(ratio)
    if met is None:
        lines.append("RECORDING TARGET NOT EVALUATED: the product page was not measured both ways")
    else:
        on, off = report.pages[RECORDING_ON], report.pages[RECORDING_OFF]
        lines.append(
            f"RECORDING TARGET {_met_word(met).upper()}: product page with recording "
            f"{on.requests_per_sec:.1f} req/s = {ratio:.2f} × without "
            f"{off.requests_per_sec:.1f} req/s: recording costs {1 - ratio:.0%} "
            f"(target ≤ {TARGET_RECORDING_COST:.0%})"
        )
    counted = [run for run in report.runs if run.lost is not None]
    if not counted or len(counted) < len(report.runs):
        lines.append(f"COLLECTOR DATABASE NOT CHECKED: not every run's {TABLE} rows were counted")
    else:
        total = sum(run.lost for run in counted)
        state = "every acknowledged event is stored" if total == 0 else "EVENTS LOST"
        lines.append(f"COLLECTOR DATABASE: {state}; lost: {total}")
    return lines


def to_json(report: CollectorReport) -> dict:
    ratio = recording_ratio(report)
    return {
        "baseline_requests_per_sec": report.baseline,
        "problem": report.problem,
        "runs": [
            {
                "target": run.label,
                "events_per_request": run.events_per_request,
                "events_per_sec": run.events_per_sec,
                "ratio": _share(run.result.requests_per_sec, report.baseline),
                "target_met": run_met(run, report.baseline),
                "acknowledged_requests": run.acknowledged_requests,
                "acknowledged_events": run.acknowledged_events,
                "rows": run.rows,
                "lost": run.lost,
                "unacknowledged_rows": run.unacknowledged_rows,
                **_result_json(run.result),
            }
            for run in report.runs
        ],
        "recording": {
            name: {"target": r.target, **_result_json(r)} for name, r in report.pages.items()
        },
        "recording_ratio": ratio,
        "recording_cost": None if ratio is None else 1 - ratio,
        "recording_target_met": recording_met(ratio),
        "targets": {
            "batch_events_per_sec": TARGET_BATCH_EVENTS_PER_SEC,
            "single_ratio": TARGET_SINGLE_RATIO,
            "recording_cost": TARGET_RECORDING_COST,
        },
    }


def _result_json(result: wrk.Result) -> dict:
    fields = {k: v for k, v in asdict(result).items() if k not in ("cookie", "headers")}
    return {**fields, "errors": result.errors}
