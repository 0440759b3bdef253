"""The dashboards' building blocks: key figures compared with the previous period, tables
with small counts suppressed, and the few metrics that are not plain sums.

Suppression (R6.2): in a breakdown (a table or chart by page, product, source, device, day …)
a count of visits, visitors, page views or other clickstream actions from 1 to 4 is shown as
"under 5", in the page and in the CSV alike, and so is anything computed from it (a rate,
an average, a change), so a small group of visitors cannot be singled out. Order figures
come from the shop's books, not from visits, and are shown as they are; so are the key
figures, which are totals, not breakdowns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.visits import duration_bucket_width

MIN_COUNT = 5
INT, PCT, KR, SECONDS, DECIMAL, TEXT, DATE, CHANGE = (
    "int",
    "pct",
    "kr",
    "seconds",
    "decimal",
    "text",
    "date",
    "change",  # relative change from the previous period
)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | None
    previous: float | None
    kind: str = INT
    note: str = ""

    @property
    def change(self) -> float | None:
        return change(self.value, self.previous)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = INT


@dataclass
class Table:
    key: str  # also the CSV file's name
    title: str
    columns: list[Column]
    frame: pd.DataFrame  # suppressed cells are NaN in count and money columns
    note: str = ""
    suppressed: bool = False  # whether any cell was suppressed

    def rows(self) -> list[list]:
        """(kind, value) pairs for the template, NaN counts as None ("under 5")."""
        out = []
        for record in self.frame[[c.key for c in self.columns]].itertuples(index=False):
            out.append([_plain(value) for value in record])
        return out


@dataclass
class Figure:
    key: str
    title: str
    figure: object  # a plotly Figure
    note: str = ""


@dataclass
class Dashboard:
    key: str
    title: str
    intro: str
    kpis: list[Kpi] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def _plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change from the previous period; None when there is nothing to compare with."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


def ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else numerator / denominator


def safe_ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Element-wise numerator ÷ denominator, NaN where the denominator is 0."""
    return numerator / denominator.where(denominator != 0)


def median_from_buckets(buckets: pd.DataFrame) -> float | None:
    """The median visit duration from counts per bucket (analytics_duration_days).

    Exact to the second for visits under 10 minutes; a longer duration is taken as the
    middle of its bucket (10 s wide below an hour, 60 s beyond). Even counts average the two
    middle visits, like pandas' median."""
    buckets = buckets[buckets["visits"] > 0].sort_values("bucket_s")
    total = int(buckets["visits"].sum())
    if total == 0:
        return None
    cumulative = buckets["visits"].cumsum().to_numpy()
    values = [
        _bucket_value(int(buckets["bucket_s"].iloc[np.searchsorted(cumulative, rank, "right")]))
        for rank in ((total - 1) // 2, total // 2)
    ]
    return sum(values) / 2


def _bucket_value(bucket_s: int) -> float:
    width = duration_bucket_width(bucket_s)
    return float(bucket_s) if width == 1 else bucket_s + width / 2


def suppress(frame: pd.DataFrame, counts: list[str]) -> pd.DataFrame:
    """Counts of 1–4 become NaN (R6.2). List a measure's `_prev` column too; its `_change`
    column is then hidden along with either."""
    frame = frame.copy()
    for column in counts:
        values = frame[column].astype("float64")
        frame[column] = values.where(~values.between(1, MIN_COUNT - 1))
    for column in counts:  # a change between hidden figures would tell them
        if f"{column}_change" in frame and f"{column}_prev" in frame:
            hidden = frame[column].isna() | frame[f"{column}_prev"].isna()
            frame[f"{column}_change"] = frame[f"{column}_change"].where(~hidden)
    return frame


def was_suppressed(frame: pd.DataFrame, columns: list[str]) -> bool:
    return bool(frame[columns].isna().any().any())


def with_previous(
    current: pd.DataFrame, previous: pd.DataFrame, keys: list[str], measure: str
) -> pd.DataFrame:
    """`current` with the previous period's `measure` (`<measure>_prev`) and its change."""
    before = previous[[*keys, measure]].rename(columns={measure: f"{measure}_prev"})
    merged = current.merge(before, on=keys, how="left")
    merged[f"{measure}_prev"] = merged[f"{measure}_prev"].fillna(0)
    merged[f"{measure}_change"] = safe_ratio(
        merged[measure] - merged[f"{measure}_prev"], merged[f"{measure}_prev"]
    )
    return merged


def top(frame: pd.DataFrame, by: str, n: int) -> pd.DataFrame:
    return frame.sort_values(by, ascending=False, kind="stable").head(n).reset_index(drop=True)


def week_or_day(series: pd.DataFrame, days: int) -> tuple[pd.DataFrame, str]:
    """Daily points up to 92 days, weekly sums beyond (a year of days is unreadable)."""
    if days <= 92:
        return series, "dag"
    frame = series.assign(day=pd.to_datetime(series["day"]))
    weekly = frame.resample("W-MON", on="day", label="left", closed="left").sum(numeric_only=True)
    return weekly.reset_index(), "uke"
