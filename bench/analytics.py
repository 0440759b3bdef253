"""The statistics on a year of a busy shop: rollup time and memory, and each dashboard's time.

`make bench` runs this section last (`--no-analytics` skips it); `python -m bench.analytics`
runs it alone. It generates `--analytics-events` click events (10 million: a year of a busy
shop) and their orders into a scratch database (bench/analytics_data.py), then measures:

1. the full rollup, `analytics.rollup.rollup_all()` committing after each day as the CLI
   does, in a child process: its time, and its peak memory (the child's max RSS, from the
   rusage `os.wait4` returns for exactly that child: `getrusage(RUSAGE_CHILDREN)` would report
   the largest child this process ever waited for, such as a gunicorn server of an earlier
   section);
2. the incremental rollup of one day, `rollup_day(the last day)`: the nightly job's work;
3. every dashboard of `analytics.DASHBOARDS` with `?periode=30d` and `?periode=12m`, as a
   logged-in manager through the app's test client: the p50 of 20 requests after 2 warm-ups.

Targets (2 cores): full rollup ≤ 60 s and ≤ 1 GB, one day ≤ 2 s, every dashboard ≤ 300 ms.
See bench/README.md, "The statistics".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

if not __package__:  # run as a script: import bench.* from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import analytics_data, database, machine
from bench.base import ROOT, VENV_BIN, BenchError, tail

TARGET_FULL_S = 60.0
TARGET_FULL_MB = 1024.0
TARGET_DAY_S = 2.0
TARGET_DASHBOARD_MS = 300.0
PERIODS = ("30d", "12m")
WARM_UPS, TIMED = 2, 20
CHILD_TIMEOUT_S = 1800


@dataclass
class AnalyticsResult:
    events: int
    engine: str
    data_seconds: float | None = None
    full_seconds: float | None = None
    full_peak_mb: float | None = None
    day: str | None = None
    day_seconds: float | None = None
    dashboards: list[dict] = field(default_factory=list)  # endpoint, title, period, p50_ms, …
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


# --- in the child processes --------------------------------------------------------------


def _child(task: str, argument: str | None) -> dict:
    if task == "generate":  # argument: the number of events
        data = analytics_data.generate(os.environ["BKM_DATABASE_URL"], int(argument))
        return {"lines": data.lines(), "seconds": data.seconds, "last_day": str(data.last_day)}
    from analytics import DASHBOARDS, rollup
    from bkm import create_app
    from bkm.extensions import db

    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        if task == "rollup-all":
            summary = rollup.rollup_all(after_day=db.session.commit)
        elif task == "rollup-day":
            summary = rollup.rollup_day(date.fromisoformat(argument))
        else:
            return {"dashboards": _time_dashboards(app, DASHBOARDS)}
        db.session.commit()
        return {"seconds": time.perf_counter() - started, "summary": str(summary)}


def _time_dashboards(app, dashboards) -> list[dict]:
    from flask import url_for

    from tests.client import ShopClient

    app.test_client_class = ShopClient
    client = app.test_client()
    email, password = _manager(app)
    login = client.submit("/konto/logg-inn", {"email": email, "password": password})
    if login.status_code != 302:
        raise BenchError(f"the manager could not log in (HTTP {login.status_code})")
    with app.test_request_context():
        urls = [(endpoint, title, url_for(endpoint)) for endpoint, title in dashboards]
    found = []
    for endpoint, title, url in urls:
        for period in PERIODS:
            times, status = [], None
            for n in range(WARM_UPS + TIMED):
                started = time.perf_counter()
                response = client.get(f"{url}?periode={period}")
                elapsed = (time.perf_counter() - started) * 1000
                status = response.status_code
                if status != 200:
                    break
                if n >= WARM_UPS:
                    times.append(elapsed)
            found.append(
                {
                    "endpoint": endpoint,
                    "title": title,
                    "period": period,
                    "status": status,
                    "p50_ms": statistics.median(times) if len(times) == TIMED else None,
                    "max_ms": max(times) if times else None,
                }
            )
    return found


def _manager(app) -> tuple[str, str]:
    """A manager account of the benchmark's own, made here (the seed prints its passwords)."""
    from sqlalchemy import select

    from bkm.accounts.models import User
    from bkm.accounts.passwords import hash_password
    from bkm.extensions import db

    email, password = "bench-leder@example.com", "bench-leder-passord-123"
    if db.session.scalar(select(User).where(User.email == email)) is None:
        user = User(email=email, name="Bench Leder", role="manager")
        user.password_hash = hash_password(password)
        db.session.add(user)
        db.session.commit()
    return email, password


# --- in the benchmark ---------------------------------------------------------------------


def run_child(env: dict[str, str], task: str, argument: str | None = None) -> tuple[dict, float]:
    """Run one measurement in a fresh interpreter; its JSON answer and its max RSS in MB."""
    command = [str(VENV_BIN / "python"), "-m", "bench.analytics", "--child", task]
    if argument:
        command.append(argument)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        started = time.monotonic()
        while True:  # wait4 reports this child's own rusage; poll so a hang has a limit
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > CHILD_TIMEOUT_S:
                process.kill()
                os.wait4(process.pid, 0)
                raise BenchError(f"{task} took longer than {CHILD_TIMEOUT_S} s")
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
    if process.returncode != 0:
        raise BenchError(f"{task} failed (exit {process.returncode}):\n{tail(errors, 15)}")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024  # KB on Linux


def measure(workdir: Path, events: int, database_url: str | None = None) -> AnalyticsResult:
    workdir.mkdir(parents=True, exist_ok=True)
    if database_url:
        database.require_empty_database(database_url)
    url = database_url or f"sqlite:///{workdir / 'analytics.sqlite'}"
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    result = AnalyticsResult(events=events, engine=engine)
    print(f"bench: analytics: {events:,} click events into {database.redact(url)}", flush=True)
    try:
        env = analytics_data.prepare(url, workdir)
        data, _ = run_child(env, "generate", str(events))
        for line in data["lines"]:
            print(f"bench:   {line}", flush=True)
        result.data_seconds, result.day = data["seconds"], data["last_day"]
        machine.settle()
        answer, peak = run_child(env, "rollup-all")
        result.full_seconds, result.full_peak_mb = answer["seconds"], peak
        result.notes.append(f"full rollup: {answer['summary']}")
        machine.settle()
        answer, _ = run_child(env, "rollup-day", result.day)
        result.day_seconds = answer["seconds"]
        machine.settle()
        answer, _ = run_child(env, "dashboards")
        result.dashboards = answer["dashboards"]
    except BenchError as error:
        result.problems.append(str(error))
    except ImportError as error:  # the statistics are not there (yet) in this checkout
        result.problems.append(f"the analytics package is incomplete: {error}")
    for row in result.dashboards:
        if row["status"] != 200:
            result.problems.append(
                f"{row['endpoint']} ?periode={row['period']}: HTTP {row['status']}"
            )
    return result


def _judge(value: float | None, target: float) -> str:
    if value is None:
        return "NOT MEASURED"
    return "met" if value <= target else "MISSED"


def report_rows(result: AnalyticsResult) -> list[tuple[str, str, str, str]]:
    rows = [("data: generated and written", _fmt(result.data_seconds, "s"), "", "")]
    rows.append(
        (
            "full rollup: time",
            _fmt(result.full_seconds, "s"),
            f"≤ {TARGET_FULL_S:.0f} s",
            _judge(result.full_seconds, TARGET_FULL_S),
        )
    )
    rows.append(
        (
            "full rollup: peak memory (max RSS)",
            _fmt(result.full_peak_mb, "MB", 0),
            f"≤ {TARGET_FULL_MB:.0f} MB",
            _judge(result.full_peak_mb, TARGET_FULL_MB),
        )
    )
    rows.append(
        (
            f"one day ({result.day}): rollup_day",
            _fmt(result.day_seconds, "s", 2),
            f"≤ {TARGET_DAY_S:.0f} s",
            _judge(result.day_seconds, TARGET_DAY_S),
        )
    )
    for row in result.dashboards:
        name = f"{row['title']} ?periode={row['period']} (p50)"
        rows.append(
            (
                name,
                _fmt(row["p50_ms"], "ms"),
                f"≤ {TARGET_DASHBOARD_MS:.0f} ms",
                _judge(row["p50_ms"], TARGET_DASHBOARD_MS),
            )
        )
    return rows  # fmt: skip


def _fmt(value: float | None, unit: str, decimals: int = 1) -> str:
    return "–" if value is None else f"{value:,.{decimals}f} {unit}"


def print_report(result: AnalyticsResult) -> None:
    title = f"statistics ({result.events:,} events, {result.engine})"
    print(f"\n{title:<50} {'figure':>12}  {'target':<12} verdict")
    print("-" * 86)
    for name, figure, target, verdict in report_rows(result):
        print(f"{name:<50} {figure:>12}  {target:<12} {verdict}")
    for note in result.notes:
        print(f"\n{note}")
    for problem in result.problems:
        print(f"ERRORS in the statistics pass: {problem}")


def verdict_lines(result: AnalyticsResult) -> list[str]:
    """One line when every figure met its target, else a line per figure that did not."""
    judged = [row for row in report_rows(result) if row[3]]
    if not any(verdict in ("met", "MISSED") for *_, verdict in judged):
        return ["ANALYTICS TARGETS NOT EVALUATED"]
    lines = [
        f"ANALYTICS TARGET {'MISSED' if verdict == 'MISSED' else 'NOT EVALUATED'}: "
        f"{name} {figure} ({target})"
        for name, figure, target, verdict in judged
        if verdict != "met"
    ]
    return lines or [f"ANALYTICS TARGETS MET: all {len(judged)} figures"]


def to_json(result: AnalyticsResult) -> dict:
    return asdict(result) | {
        "targets": {
            "full_seconds": TARGET_FULL_S,
            "full_peak_mb": TARGET_FULL_MB,
            "day_seconds": TARGET_DAY_S,
            "dashboard_ms": TARGET_DASHBOARD_MS,
        }
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=analytics_data.TARGET_EVENTS)
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database instead of SQLite")
    parser.add_argument("--keep-temp", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        task, *rest = args.child
        print(json.dumps(_child(task, rest[0] if rest else None)))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="bkm-bench-analytics-"))
    try:
        result = measure(workdir, args.events, args.database_url)
        print_report(result)
        print("\n".join(verdict_lines(result)))
        return 1 if result.failed else 0
    finally:
        if args.keep_temp:
            print(f"bench: kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
