"""The consent ledger for managers: /admin/samtykker (newest first) and its CSV export.

The page shows what each choice was and names a customer only by the id linked to the admin's
customer page. The export is the whole ledger, written to the audit log before it streams.

CSV format (/admin/samtykker.csv): UTF-8 with a byte order mark (so Excel reads æøå),
semicolon-separated, CRLF line ends, oldest first. The header row holds the ledger's field
names (bkm.consent.models.ConsentRecord), so a file reads the same whatever the UI says:

  id              the ledger row's number, never reused
  at              when, Europe/Oslo with UTC offset (ISO 8601: 2026-11-24T21:43:05+01:00)
  consent_id      the browser's random consent id
  action          accept, reject, custom or withdraw
  granted         purpose keys consented to, comma-separated (statistics,personalisation)
  refused         purpose keys refused, comma-separated
  policy_version  the privacy statement version the choice was made on
  text_digest     sha256 of the statement and purpose texts shown
  channel         banner, settings, login, registration, checkout or mypage
  user_id         the customer, when the choice was made logged in; empty otherwise
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Flask, Response, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound
from wtforms import SearchField
from wtforms.validators import ValidationError

from bkm.admin.privacy import bp
from bkm.admin.views import page_number
from bkm.audit.recording import record_view
from bkm.clock import to_oslo, utcnow
from bkm.consent.models import ACTION_NAMES, CHANNEL_NAMES, ConsentRecord
from bkm.consent.registry import PURPOSES
from bkm.extensions import db
from bkm.forms import MaxLength, QueryForm, strip_text

RECORDS_PER_PAGE = 50
EXPORT_BATCH = 1000
EXPORT_TARGET = "consent_ledger"
CSV_FIELDS = (
    "id",
    "at",
    "consent_id",
    "action",
    "granted",
    "refused",
    "policy_version",
    "text_digest",
    "channel",
    "user_id",
)
PURPOSE_NAMES = {p.key: p.name for p in PURPOSES}


# --- rules -------------------------------------------------------------------------------


def ledger_query(consent_id: str = ""):
    """The ledger newest first, or one browser's rows when `consent_id` is given."""
    query = select(ConsentRecord).order_by(ConsentRecord.id.desc())
    if consent_id:
        query = query.where(ConsentRecord.consent_id == consent_id)
    return query


def ledger_csv(batch: int = EXPORT_BATCH) -> Iterator[str]:
    """The whole ledger as CSV text (see the module docstring), a batch of rows at a time.

    Rows are read by id in batches, so memory stays flat however long the ledger is; the
    export ends at the last row there was when it began (the ledger only grows).
    """
    columns = [getattr(ConsentRecord, name) for name in CSV_FIELDS]
    last_id = db.session.scalar(select(func.max(ConsentRecord.id))) or 0
    yield "\ufeff" + _csv_lines([CSV_FIELDS])
    after = 0
    while after < last_id:
        rows = db.session.execute(
            select(*columns)
            .where(ConsentRecord.id > after, ConsentRecord.id <= last_id)
            .order_by(ConsentRecord.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield _csv_lines(_csv_row(row) for row in rows)
        after = rows[-1].id


def _csv_row(row) -> list:
    values = row._asdict()
    values["at"] = to_oslo(values["at"]).isoformat(timespec="seconds")
    return [_cell(values[name]) for name in CSV_FIELDS]


def _cell(value):
    """No cell starts a spreadsheet formula (the ledger's values never should anyway)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_lines(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def purpose_names(keys: frozenset[str]) -> str:
    """Purpose names in the registry's order; a key the registry no longer has, as it is."""
    known = [p.name for p in PURPOSES if p.key in keys]
    return ", ".join(known + sorted(k for k in keys if k not in PURPOSE_NAMES)) or "–"


# --- views -------------------------------------------------------------------------------


class LedgerFilterForm(QueryForm):
    consent_id = SearchField(
        "Samtykke-ID",
        name="samtykke-id",
        validators=[MaxLength(32, "En samtykke-ID har 32 tegn (0–9 og a–f).")],
        filters=[strip_text, lambda v: v.lower() if isinstance(v, str) else v],
    )

    def validate_consent_id(self, field) -> None:
        if field.data and not (field.data.isascii() and field.data.isalnum()):
            raise ValidationError("En samtykke-ID har bare tallene 0–9 og bokstavene a–f.")


@bp.get("/samtykker")
def ledger():
    form = LedgerFilterForm(request.args)
    form.validate()
    consent_id = form.consent_id.data if form.consent_id.data and not form.errors else ""
    pagination = db.paginate(
        ledger_query(consent_id), page=page_number(), per_page=RECORDS_PER_PAGE, error_out=False
    )
    if pagination.page > 1 and not pagination.items:
        raise NotFound()
    return render_template(
        "admin/consent_ledger.html",
        form=form,
        pagination=pagination,
        consent_id=consent_id,
        purpose_names=purpose_names,
        action_names=ACTION_NAMES,
        channel_names=CHANNEL_NAMES,
    )


@bp.get("/samtykker.csv")
def ledger_export():
    record_view(current_user, None, "exported", EXPORT_TARGET)
    db.session.commit()  # the export is on record before a byte of it leaves
    filename = f"samtykkelogg-{to_oslo(utcnow()):%Y-%m-%d}.csv"
    return Response(
        _in_app_context(current_app._get_current_object(), ledger_csv),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _in_app_context(app: Flask, chunks) -> Iterator[str]:
    """Yield what `chunks()` yields, each step computed in an app context of its own.

    The server sends the body after the request's contexts are gone, and may resume the
    iterator in another contextvars context than it began in (stream_with_context cannot be
    resumed so). No context is held across a yield, so none is left open if the download stops.
    """
    steps = chunks()
    while True:
        with app.app_context():
            chunk = next(steps, None)
        if chunk is None:
            return
        yield chunk
