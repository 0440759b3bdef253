"""Rollup rows into their `analytics_*` table, fast: one executemany of driver-ready tuples.

A year's rollup writes ~4 million rows; SQLAlchemy's per-row parameter processing alone
would take ~15 s of the 60 s the full rollup may use. So each column is converted once, as a
whole, to what the driver stores (what SQLAlchemy itself would send: on SQLite dates as ISO
text and times as naive UTC text, on PostgreSQL the Python objects), and the rows go in with
the driver's executemany.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Date

from bkm.database import UTCDateTime
from bkm.extensions import db


def insert_rows(model, rows: pd.DataFrame) -> int:
    if rows.empty:
        return 0
    table = model.__table__
    columns = [column for column in table.columns if column.name in rows.columns]
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    values = [_driver_values(rows[column.name], column.type, sqlite) for column in columns]
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    # Table and column names come from the models, never from input (bandit's B608 is moot).
    statement = (
        f"INSERT INTO {table.name} ({', '.join(column.name for column in columns)}) "  # nosec B608
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    connection.exec_driver_sql(statement, list(zip(*values, strict=True)))
    return len(rows)


def _driver_values(series: pd.Series, kind, sqlite: bool) -> list:
    missing = series.isna().to_numpy()
    if isinstance(kind, UTCDateTime):
        times = pd.to_datetime(series, utc=True)
        if sqlite:  # numpy writes ISO 8601 in C; SQLite's text has a space for the T
            stamps = np.datetime_as_string(times.dt.tz_convert(None).to_numpy("datetime64[us]"))
            values = [stamp.replace("T", " ") for stamp in stamps.tolist()]
        else:
            values = [moment.to_pydatetime() for moment in times]
    elif isinstance(kind, Date):
        values = series.tolist()
        if sqlite:
            text = {day: day.isoformat() for day in set(values) if day is not None}
            values = [text.get(day) for day in values]
    elif isinstance(kind, Boolean):
        flags = series.fillna(False).astype(bool).tolist()
        values = [int(flag) for flag in flags] if sqlite else flags
    elif kind.python_type is int:
        values = series.fillna(0).astype("int64").tolist()  # floats and NA included
    else:
        values = series.tolist()
    if missing.any():
        values = [None if gone else value for value, gone in zip(values, missing, strict=True)]
    return values
