"""How a dashboard's figures and tables leave the server: JSON blocks for the page's charts,
Norwegian text for its cells, and CSV files.

CSV as in the shop's other exports: UTF-8 with BOM, semicolons, CRLF; numbers with a
decimal comma so a Norwegian spreadsheet reads them as numbers; suppressed cells (R6.2)
say "<5", exactly as the page does.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date

from analytics import figures
from analytics.metrics import CHANGE, DATE, DECIMAL, INT, KR, PCT, SECONDS, Dashboard, Table

SUPPRESSED = "<5"
NO_VALUE = "–"
UNITS = {PCT: " (%)", KR: " (kr)", SECONDS: " (s)", CHANGE: " (%)"}


def figure_blocks(dashboard: Dashboard) -> list[dict]:
    return [
        {
            "key": figure.key,
            "title": figure.title,
            "note": figure.note,
            "json": figures.to_json(figure.figure),
        }
        for figure in dashboard.figures
    ]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _group(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def format_value(kind: str, value) -> str:
    """A cell or key figure as people read it: `1 234`, `12,5 %`, `kr 1 234`, `2 min 05 s`."""
    if _missing(value):
        return SUPPRESSED if kind == INT else NO_VALUE
    if kind == INT:
        return _group(round(value))
    if kind == PCT:
        return f"{value * 100:.1f}".replace(".", ",") + "\u00a0%"
    if kind == KR:
        return "kr\u00a0" + _group(round(value / 100))
    if kind == SECONDS:
        return duration_text(value)
    if kind == DECIMAL:
        return f"{value:.1f}".replace(".", ",")
    if kind == CHANGE:
        return format_change(value)
    if kind == DATE and isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def format_change(change: float | None) -> str:
    if _missing(change):
        return NO_VALUE
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return f"{sign}{abs(change) * 100:.0f}\u00a0%"


def duration_text(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}\u00a0t {minutes:02d}\u00a0min"
    if minutes:
        return f"{minutes}\u00a0min {secs:02d}\u00a0s"
    return f"{secs}\u00a0s"


def csv_value(kind: str, value):
    if _missing(value):
        return SUPPRESSED if kind == INT else ""
    if kind == INT:
        return round(value)
    if kind in (PCT, CHANGE):
        return f"{value * 100:.1f}".replace(".", ",")
    if kind == KR:
        return f"{value / 100:.2f}".replace(".", ",")
    if kind == SECONDS:
        return round(value)
    if kind == DECIMAL:
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # No cell may start a spreadsheet formula (paths and campaign names come from visitors).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.label + UNITS.get(column.kind, "") for column in table.columns])
    kinds = [column.kind for column in table.columns]
    for row in table.rows():
        writer.writerow([csv_value(kind, value) for kind, value in zip(kinds, row, strict=True)])
    return "\ufeff" + buffer.getvalue()
