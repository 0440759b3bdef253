"""How much of the machine others took: CPU accounting from /proc, and settling before a run.

wrk, the servers and whatever else runs (a test suite, a browser) share the cores. These read
Linux's /proc to tell how much of the machine other processes took during a run, so a low
figure caused by a busy machine is flagged instead of being mistaken for a slow page.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SETTLE_BUSY = 0.25  # before a run, wait while the machine is busier than this
SETTLE_TIMEOUT_S = 15.0  # how long to wait for a busy machine before measuring anyway

# A local PostgreSQL's backends work for the shop: their CPU is the system under test's.
DATABASE_PROCESSES = frozenset({"postgres"})


@dataclass(frozen=True)
class CpuSnapshot:
    total: int  # clock ticks of all cores, busy or not
    busy: int  # ticks in user, nice, system, irq and softirq mode
    ours: int  # ticks of the server (master, workers, database), wrk, and the bench itself


def cpu_snapshot(server_pid: int, also: frozenset[str] = frozenset()) -> CpuSnapshot | None:
    """Machine and own CPU ticks; `also` names processes (by command) to count as ours."""
    try:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        server = sum(
            ticks
            for pid, name, parent, ticks in _processes()
            if server_pid in (pid, parent) or name in also
        )
    except (OSError, ValueError, IndexError):
        return None  # not Linux, or /proc unreadable: no accounting
    # Reaped children (wrk) and this process itself (the checkout's simulated shoppers).
    own = sum(
        round((usage.ru_utime + usage.ru_stime) * os.sysconf("SC_CLK_TCK"))
        for usage in map(resource.getrusage, (resource.RUSAGE_CHILDREN, resource.RUSAGE_SELF))
    )
    # Loopback networking runs as softirq and is charged to our processes too: count it busy.
    busy = sum(fields[:3]) + fields[5] + fields[6]
    return CpuSnapshot(total=sum(fields[:8]), busy=busy, ours=server + own)


def others_share(before: CpuSnapshot | None, after: CpuSnapshot | None) -> float | None:
    """Share of the machine's CPU that processes not ours used between two snapshots."""
    if before is None or after is None or after.total <= before.total:
        return None
    others = (after.busy - before.busy) - (after.ours - before.ours)
    return max(0, others) / (after.total - before.total)


def _processes() -> Iterator[tuple[int, str, int, int]]:
    """(pid, command name, parent pid, CPU ticks) of each process in /proc."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, rest = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue  # it exited while we looked
        # After the ")" that closes the command name: state, ppid, ..., utime (12th), stime.
        fields = rest.split()
        yield (
            int(entry.name),
            head.split("(", 1)[1],
            int(fields[1]),
            int(fields[11]) + int(fields[12]),
        )


def cpu_busy_fraction(seconds: float = 1.0) -> float | None:
    """Share of all cores busy (anyone's) over a short moment, or None without /proc."""
    before = cpu_snapshot(os.getpid())
    time.sleep(seconds)
    after = cpu_snapshot(os.getpid())
    if before is None or after is None or after.total <= before.total:
        return None
    return (after.busy - before.busy) / (after.total - before.total)


def settle() -> None:
    """Wait (a bounded while) for other work on the machine to calm down before a run."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    busy = cpu_busy_fraction()
    if busy is None or busy <= SETTLE_BUSY:
        return
    print(f"bench:   the machine is {busy:.0%} busy; waiting up to {SETTLE_TIMEOUT_S:.0f} s")
    while busy is not None and busy > SETTLE_BUSY and time.monotonic() < deadline:
        busy = cpu_busy_fraction()
