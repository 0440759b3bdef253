"""wrk, the load generator: installing it if missing, running it, reading its report."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench.base import ROOT, BenchError, tail


def ensure_wrk() -> str:
    """Path of wrk, installing Debian's package first if it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: wrk not found; installing it: apt-get install -y wrk", flush=True)
    if _run_quiet(["apt-get", "install", "-y", "wrk"]) != 0:
        # A fresh machine's package lists are often empty or stale; refresh once and retry.
        print("bench: install failed; running apt-get update and trying again", flush=True)
        _run_quiet(["apt-get", "update"])
        _run_quiet(["apt-get", "install", "-y", "wrk"])
    found = shutil.which("wrk")
    if not found:
        raise BenchError(
            "wrk is not installed and `apt-get install -y wrk` did not install it "
            "(needs root and Debian's package repository); install wrk and run again"
        )
    print(f"bench: installed {found}", flush=True)
    return found


def _run_quiet(command: list[str]) -> int:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"bench:   {' '.join(command)}: {error}", flush=True)
        return 1
    if done.returncode != 0:
        print(tail(done.stdout + done.stderr, 5), flush=True)
    return done.returncode


@dataclass
class Result:
    """One row of the table: a page under one shop configuration, and what wrk measured."""

    page: str  # e.g. "shop /produkt/<slug>"
    url: str
    configuration: str = ""  # "cache on" / "cache off" for the shop; "" for hello-world
    requests_per_sec: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    non_2xx_3xx: int = 0  # wrk's name; it counts status >= 400
    socket_errors: dict[str, int] = field(default_factory=dict)
    sql_statements: int | None = None  # per uncached render, from query_count.py
    problem: str = ""  # set when the page could not be measured
    others_cpu: float | None = None  # machine CPU share used by processes not ours during the run
    cookie: str | None = None  # sent with every request, e.g. a returning visitor's consent
    headers: dict[str, str] = field(default_factory=dict)  # more headers, e.g. a User-Agent

    @property
    def target(self) -> str:
        return f"{self.page} ({self.configuration})" if self.configuration else self.page

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())

    @property
    def failed(self) -> bool:
        return bool(self.problem) or self.errors > 0

    def error_summary(self) -> str:
        parts = []
        if self.non_2xx_3xx:
            parts.append(f"{self.non_2xx_3xx} responses with status >= 400")
        parts += [f"{n} socket {kind} errors" for kind, n in self.socket_errors.items()]
        return ", ".join(parts)


_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_PERCENTILE = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_TOTAL = re.compile(r"^\s+(\d+) requests in", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str, result: Result) -> Result:
    """Fill result from wrk's text report (wrk 4.x, run with --latency)."""
    rps = _RPS.search(output)
    if rps is None:
        result.problem = "no Requests/sec line in wrk's output"
        return result
    result.requests_per_sec = float(rps.group(1))
    for percent, value, unit in _PERCENTILE.findall(output):
        setattr(result, f"p{percent}_ms", float(value) * _TO_MS[unit])
    if total := _TOTAL.search(output):
        result.requests = int(total.group(1))
    if non_2xx := _NON_2XX.search(output):
        result.non_2xx_3xx = int(non_2xx.group(1))
    if sockets := _SOCKET.search(output):
        names = ("connect", "read", "write", "timeout")
        counts = dict(zip(names, map(int, sockets.groups()), strict=True))
        result.socket_errors = {name: n for name, n in counts.items() if n}
    return result


def run_wrk(
    wrk: str,
    result: Result,
    threads: int,
    connections: int,
    duration: int,
    script: Path | None = None,
    script_env: dict[str, str] | None = None,
) -> Result:
    """Load result.url for duration seconds and fill result from wrk's report.

    With `script`, wrk runs that Lua file (`-s`), which builds the request itself (e.g. a
    POST); `script_env` adds environment variables for it to read with os.getenv.
    """
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "--latency",
        *(["-H", f"Cookie: {result.cookie}"] if result.cookie else []),
        *(part for name, value in result.headers.items() for part in ("-H", f"{name}: {value}")),
        *(["-s", str(script)] if script else []),
        result.url,
    ]
    shown = [_relative(part) if script and part == str(script) else part for part in command]
    print(f"bench:   {' '.join(shown[1:])}", flush=True)
    env = {**os.environ, **script_env} if script_env else None
    try:
        # wrk stops itself after -d; the timeout only guards against it hanging.
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 30, check=False, env=env
        )
    except subprocess.TimeoutExpired:
        result.problem = "wrk did not finish in time"
        return result
    if done.returncode != 0:
        result.problem = f"wrk exited {done.returncode}: {tail(done.stderr, 3)}"
        return result
    if script and done.stderr.strip():
        # A Lua error does not stop wrk: it goes on sending plain GETs. Not our request.
        result.problem = f"wrk's script failed: {tail(done.stderr, 1)}"
        return result
    return parse_wrk(done.stdout, result)


def _relative(path: str) -> str:
    """A path under the repository as bench/…, for printing."""
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return path
