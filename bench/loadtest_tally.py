"""What the load test's visitors saw, collected under one lock: requests by kind with their
latency and status, answers nobody expected, receipts, races, beacons.

The visitors (loadtest_visitors.py) write here; the checks (loadtest_checks.py) and the
report (loadtest_report.py) read it after every visitor has finished.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

# What a request is about, for the report's rows; "consent" is the banner's POST /samtykke.
KINDS = ("page", "search", "consent", "cart", "checkout", "beacon")
NO_RESPONSE = 0  # the status of a request that got no HTTP answer (refused, reset, timed out)
MAX_EXAMPLES = 20  # unexpected answers kept with their detail for the report

_ROUTES = (
    (re.compile(r"^/produkt/[^/?]+"), "/produkt/<slug>"),
    (re.compile(r"^/kategori/[^/?]+"), "/kategori/<slug>"),
    (re.compile(r"^/kasse/bekreftelse/[^/?]+"), "/kasse/bekreftelse/<nr>"),
    (re.compile(r"^/sok\?.*"), "/sok?q=…"),
)


def route_of(path: str) -> str:
    """The path with its variable part named, so errors group by page type."""
    for pattern, route in _ROUTES:
        if pattern.match(path):
            return pattern.sub(route, path, count=1)
    return path.split("?", 1)[0]


@dataclass(frozen=True)
class Receipt:
    """An order a visitor got a receipt for: what the database must hold."""

    number: str
    email: str
    lines: tuple[tuple[int, int], ...]  # (product id, quantity), sorted


@dataclass
class Tally:
    latencies_ms: dict[str, list[float]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS}
    )
    statuses: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    server_errors: Counter = field(default_factory=Counter)  # (method, route, status) -> n
    unexpected: Counter = field(default_factory=Counter)  # "what happened" -> n
    visits: Counter = field(default_factory=Counter)  # browse, cart, buy, race
    consents: Counter = field(default_factory=Counter)  # accept, statistics, refuse, ignore
    races: Counter = field(default_factory=Counter)  # each racer's outcome: won, lost at …
    items_raced: int = 0  # single-unit items a race was started for
    receipts: list[Receipt] = field(default_factory=list)
    order_ms: list[float] = field(default_factory=list)  # POST /kasse that placed an order
    beacons_acknowledged: int = 0  # POST /collect answered 204
    events_acknowledged: int = 0  # the events in those
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    started: float = field(default_factory=time.monotonic)
    elapsed_s: float = 0.0  # set when the last visitor has finished

    def note(
        self, kind: str, method: str, path: str, status: int, ms: float, expected: tuple[int, ...]
    ) -> None:
        """One request: its latency and status; a 5xx or an unexpected status is kept apart."""
        with self.lock:
            self.latencies_ms[kind].append(ms)
            self.statuses[kind][status] += 1
            if status >= 500:
                self.server_errors[(method, route_of(path), status)] += 1
            elif status not in expected:
                answer = "no response" if status == NO_RESPONSE else f"HTTP {status}"
                self.unexpected[f"{method} {route_of(path)}: {answer}"] += 1

    def fail(self, what: str) -> None:
        """An answer with an expected status that still was wrong (no token, wrong place)."""
        with self.lock:
            self.unexpected[what] += 1

    def count(self, counter: str, key: str) -> None:
        with self.lock:
            getattr(self, counter)[key] += 1

    def raced(self) -> None:
        with self.lock:
            self.items_raced += 1

    def acknowledged(self, events: int) -> None:
        with self.lock:
            self.beacons_acknowledged += 1
            self.events_acknowledged += events

    def placed(self, receipt: Receipt, order_ms: float) -> None:
        with self.lock:
            self.receipts.append(receipt)
            self.order_ms.append(order_ms)

    # --- figures for the report ------------------------------------------------------------

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies_ms.values())

    def by_status(self) -> Counter:
        total: Counter = Counter()
        for counter in self.statuses.values():
            total.update(counter)
        return total

    def unexpected_total(self) -> int:
        return sum(self.unexpected.values())

    def examples(self) -> list[str]:
        return [f"{n} × {what}" for what, n in self.unexpected.most_common(MAX_EXAMPLES)]
