"""Events are written in batches, so recording never makes a shopper wait.

Each worker collects rows in memory (server-side page views and the script's /collect
events alike) and a background thread writes them every CLICKSTREAM_FLUSH_SECONDS (or sooner
when MAX_PENDING pile up) in one transaction: one executemany INSERT for the events and one
upsert per distinct cookieless counter. The buffer is flushed when the worker stops:
gunicorn's graceful stop (SIGTERM, SIGHUP, a deploy, max-requests) ends the worker with
sys.exit, which runs the atexit flush. Only a worker killed outright (SIGKILL, power loss)
loses what it had not written yet: at most one interval.

With CLICKSTREAM_FLUSH_SECONDS = 0 (the tests) every request writes its rows at its end.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import Counter

from flask import Flask
from sqlalchemy import insert

from bkm.clickstream.models import ClickEvent, PageCount
from bkm.extensions import db

log = logging.getLogger(__name__)
MAX_PENDING = 2000  # rows that trigger an early flush
MAX_KEPT_ON_ERROR = 50_000  # while the database is away, keep at most this many rows

COUNT_KEY = ("day", "path", "page_type", "product_id", "category_id", "device", "referrer_host")


class EventBuffer:
    def __init__(self, app: Flask, flush_seconds: float) -> None:
        self.app = app
        self.flush_seconds = flush_seconds
        self._events: list[dict] = []
        self._counts: Counter[tuple] = Counter()
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()  # one writer at a time
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # --- adding -------------------------------------------------------------------------

    def add_events(self, rows: list[dict]) -> None:
        with self._lock:
            self._events.extend(rows)
            pending = len(self._events)
        self._after_add(pending)

    def add_count(self, key: tuple) -> None:
        with self._lock:
            self._counts[key] += 1
            pending = len(self._counts)
        self._after_add(pending)

    def _after_add(self, pending: int) -> None:
        if self.flush_seconds <= 0:
            return  # flushed at the end of the request
        if self._thread is None:
            self._start()
        if pending >= MAX_PENDING:
            self._wake.set()

    def forget_visitor(self, visitor_id: str) -> None:
        """A withdrawal: pending rows lose the visitor id like the stored ones do."""
        with self._lock:
            for row in self._events:
                if row["visitor_id"] == visitor_id:
                    row["visitor_id"] = ""

    # --- writing ------------------------------------------------------------------------

    def flush(self) -> int:
        with self._flush_lock:
            with self._lock:
                events, self._events = self._events, []
                counts, self._counts = self._counts, Counter()
            if not events and not counts:
                return 0
            try:
                with self.app.app_context():
                    write(events, counts)
            except Exception:
                log.exception("Could not write %d clickstream rows; keeping them", len(events))
                with self._lock:
                    self._events[:0] = events[-MAX_KEPT_ON_ERROR:]
                    self._counts.update(counts)
                return 0
            return len(events) + len(counts)

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="clickstream", daemon=True)
            self._thread.start()
        atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self.flush()


def write(events: list[dict], counts: Counter) -> None:
    """One transaction: the events, then the cookieless counters added to what is stored."""
    write_rows(events, counts)
    db.session.commit()


def write_rows(events: list[dict], counts: Counter) -> None:
    """Insert the events and add the counts to the stored counters; the caller commits (the
    demo traffic generator writes a year of days this way in one transaction)."""
    if events:  # Core executemany: several times faster than the ORM's bulk insert
        db.session.execute(insert(ClickEvent.__table__), events)
    if counts:  # one executemany upsert: the keys of a Counter are distinct
        rows = [{**dict(zip(COUNT_KEY, key, strict=True)), "views": n} for key, n in counts.items()]
        db.session.execute(_count_upsert(), rows)


def _count_upsert():
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(PageCount.__table__)
    return statement.on_conflict_do_update(
        index_elements=list(COUNT_KEY),
        set_={"views": PageCount.__table__.c.views + statement.excluded.views},
    )
