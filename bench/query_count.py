"""Count the SQL statements one request to each page runs (a diagnostic for run.py).

Run as `python -m bench.query_count OUT.json PATH...` from the repository root with the
benchmark's BKM_* environment. Each path is requested twice in-process and the second
request is counted, so one-off work (first connection, template compilation) is left out.
The page micro-cache is turned off here: the count is what rendering the page costs, which
is what every cache miss pays under load.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlalchemy import event

from bkm import create_app
from bkm.extensions import db


def count_queries(paths: list[str]) -> dict[str, dict]:
    app = create_app({"PAGE_CACHE_SECONDS": 0})
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_conn, _cursor, statement, _params, _context, _executemany):
        statements.append(" ".join(statement.split()))

    client = app.test_client()
    found = {}
    for path in paths:
        statements.clear()
        try:
            client.get(path)
            statements.clear()
            status = client.get(path).status_code
        except Exception as error:  # a broken page must not hide the others' counts
            status = f"{type(error).__name__}: {error}"
        found[path] = {"status": status, "statements": list(statements)}
    return found


def main() -> None:
    out, *paths = sys.argv[1:]
    Path(out).write_text(json.dumps(count_queries(paths), indent=2))


if __name__ == "__main__":
    main()
