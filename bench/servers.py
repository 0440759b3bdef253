"""The servers under test: gunicorn on a free loopback port, readiness, warm-up, stopping."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.base import ROOT, VENV_BIN, BenchError, tail

HOST = "127.0.0.1"  # all load stays on this machine's loopback
WORKERS = 2  # gunicorn sync workers, one per core of the development machine
WARMUP_REQUESTS = 10
READY_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen
    base: str  # http://127.0.0.1:port
    log: Path


@contextlib.contextmanager
def gunicorn(
    name: str, app: str, env: dict[str, str], log: Path, ready_path: str
) -> Iterator[Server]:
    """Serve app with gunicorn on a free loopback port; yield it; always stop it."""
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"{HOST}:{port}",
        "--graceful-timeout",
        "5",
        app,
    ]
    print(f"bench: starting {name}: gunicorn -w {WORKERS} -b {HOST}:{port} {app}", flush=True)
    with log.open("a") as out:
        # Own session: a Ctrl-C in the terminal reaches us, and we stop gunicorn in order.
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://{HOST}:{port}"
        wait_until_ready(server, base + ready_path, log)
        yield Server(server, base, log)
    finally:
        stop(server)


def wait_until_ready(server: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{tail(log.read_text())}")
        if http_status(url) == 200:
            return
        time.sleep(0.1)
    raise BenchError(f"{url} did not answer 200 within {READY_TIMEOUT_S:.0f} s")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL to its process group if it lingers."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def warm_up(url: str) -> int | None:
    """A few requests first, so every worker has compiled templates and opened its database."""
    status = None
    for _ in range(WARMUP_REQUESTS):
        status = http_status(url)
        if status != 200:
            break
    return status
