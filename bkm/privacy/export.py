"""The customer's personal data as a ZIP, driven by the data map (R9.3, R9.4).

Two kinds, both built from `bkm.privacy.data_map.TABLES` and `ownership.owned_rows`, so a
table the map gains is exported without touching this module:

- portability ("Last ned mine data", GDPR art. 20): what the customer gave us. Every table
  with a `provided` field, with those fields plus the columns that make them make sense (an
  order's number, date and totals; a case's number), and the rows that detail such a table
  without holding personal data of their own (the lines of an order or a quote). Decided:
  in cases only the customer's own messages go (staff replies are ours, and are in the
  access copy); derived data (interest profile, audit log, sent e-mails, documents) does not.
- access ("Send meg mine data", GDPR art. 15): everything the shop holds about the customer:
  every mapped table's rows that belong to them, every column except `secret` ones (password
  hash, cart key), documents' PDFs under `dokumenter/`, mail attachments under `vedlegg/`
  (an attachment that is also a document points at the document's file), and LES-MEG.txt
  with what art. 15 asks for besides the data.

The format is described in bkm/privacy/export_format.py. Nothing here writes to the database.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from bkm.accounts.models import User
from bkm.clock import to_oslo, utcnow
from bkm.consent.processors import processors_register
from bkm.extensions import db
from bkm.privacy.data_map import TABLES, Table
from bkm.privacy.export_format import (
    FORMAT,
    VERSION,
    json_value,
    oslo_iso,
    table_csv,
    table_json,
)
from bkm.privacy.export_readme import readme_text
from bkm.privacy.ownership import owned_rows
from bkm.templating import COMPANY

PORTABILITY = "portability"
ACCESS = "access"
KINDS = (PORTABILITY, ACCESS)

# Besides its provided fields, what a portable table needs to be understood. A portable table
# missing here gets its primary key; a detail table (order lines) all its non-personal columns.
PORTABILITY_CONTEXT: dict[str, tuple[str, ...]] = {
    "users": ("id", "created_at"),
    "orders": (
        "id",
        "number",
        "placed_at",
        "status",
        "customer_type",
        "delivery_method",
        "payment_method",
        "subtotal_ore",
        "shipping_ore",
        "vat_ore",
        "total_ore",
    ),
    "order_lines": (
        "id",
        "order_id",
        "sku",
        "title",
        "condition",
        "quantity",
        "unit_price_ore",
        "line_total_ore",
        "vat_ore",
        "vat_scheme",
    ),
    "order_deliveries": ("order_id", "delivered_on"),
    "quotes": ("id", "number", "status", "created_at", "valid_until", "order_id"),
    "quote_lines": (
        "id",
        "quote_id",
        "sku",
        "title",
        "quantity",
        "list_price_ore",
        "quoted_unit_price_ore",
    ),
    "cases": ("id", "number", "kind", "status", "created_at", "closed_at", "order_id"),
    "case_messages": ("id", "case_id", "created_at"),
    "consent_records": ("id", "at", "action", "granted", "refused", "policy_version", "channel"),
    "contact_preferences": ("calls_set_at", "catalogues_set_at"),
    "newsletter_subscriptions": ("requested_at", "confirmed_at"),
}
# Rows of a portable table the customer did not give us: the shop's replies in their cases.
PORTABILITY_ROWS: dict[str, Callable[[sa.Table], sa.ColumnElement[bool]]] = {
    "case_messages": lambda table: table.c.from_staff.is_(False),
}

# File names of documents' PDFs in the ZIP, by document kind.
DOCUMENT_FILE_NAMES = {
    "order_confirmation": "ordrebekreftelse",
    "packing_slip": "pakkseddel",
    "invoice": "faktura",
    "credit_note": "kreditnota",
}
_UNSAFE = re.compile(r"[^0-9A-Za-zÆØÅæøå._-]+")


@dataclass
class ExportedTable:
    entry: Table
    columns: list[str]
    rows: list[dict]  # JSON-ready values


@dataclass
class Export:
    kind: str
    user: User
    created_at: datetime
    tables: list[ExportedTable] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # path in the ZIP → bytes
    _by_digest: dict[str, str] = field(default_factory=dict)

    def add_file(self, wanted: str, content: bytes) -> str:
        """Store `content` once under a free path like `wanted`; the path it is stored under."""
        digest = hashlib.sha256(content).hexdigest()
        if digest in self._by_digest:
            return self._by_digest[digest]
        path, n = wanted, 1
        while path in self.files:
            n += 1
            stem, dot, suffix = wanted.rpartition(".")
            path = f"{stem}-{n}.{suffix}" if dot and "/" not in suffix else f"{wanted}-{n}"
        self.files[path] = content
        self._by_digest[digest] = path
        return path


def portable_columns() -> dict[str, list[str]]:
    """{table: its columns in the portability copy}, from the data map."""
    chosen: dict[str, list[str]] = {}
    for entry in TABLES:
        provided = {n for n, f in entry.personal.items() if f.provided and not f.secret}
        if provided:
            context = PORTABILITY_CONTEXT.get(entry.name, tuple(_primary_key(entry)))
            chosen[entry.name] = _in_table_order(entry, provided | set(context))
    for entry in TABLES:
        parent = entry.owner.via[0][0] if entry.owner.via else None
        if entry.name not in chosen and not entry.personal and parent in chosen:
            context = PORTABILITY_CONTEXT.get(entry.name, tuple(entry.other))
            chosen[entry.name] = _in_table_order(entry, set(context))
    return chosen


def access_columns(entry: Table) -> list[str]:
    secret = {n for n, f in entry.personal.items() if f.secret}
    return [c.name for c in _table(entry).columns if c.name not in secret]


def collect(user: User, kind: str, now: datetime | None = None) -> Export:
    """Every row of `user` the export of `kind` holds, with JSON-ready values and files."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    export = Export(kind=kind, user=user, created_at=now or utcnow())
    portable = portable_columns() if kind == PORTABILITY else {}
    for entry in TABLES:
        if kind == PORTABILITY and entry.name not in portable:
            continue
        columns = portable[entry.name] if kind == PORTABILITY else access_columns(entry)
        stmt = owned_rows(entry, user)
        if kind == PORTABILITY and entry.name in PORTABILITY_ROWS:
            stmt = stmt.where(PORTABILITY_ROWS[entry.name](_table(entry)))
        rows = [
            _row(export, entry, row, columns) for row in db.session.execute(stmt).mappings().all()
        ]
        if rows:
            export.tables.append(ExportedTable(entry, columns, rows))
    return export


def build_zip(export: Export) -> bytes:
    """The ZIP of an export: format.json, LES-MEG.txt, <table>.json/.csv, then the files."""
    active, _ended = processors_register()
    stamp = to_oslo(export.created_at).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def write(path: str, content: bytes) -> None:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)

        write("format.json", _format_json(export))
        write("LES-MEG.txt", readme_text(export, active).encode("utf-8"))
        for table in export.tables:
            name, about = table.entry.name, table.entry.about
            write(f"{name}.json", table_json(name, about, table.columns, table.rows))
            write(f"{name}.csv", table_csv(table.columns, table.rows))
        for path, content in export.files.items():
            write(path, content)
    return buffer.getvalue()


def build_export(user: User, kind: str, now: datetime | None = None) -> bytes:
    return build_zip(collect(user, kind, now))


def export_filename(kind: str, today: date) -> str:
    prefix = "mine-data" if kind == PORTABILITY else "innsyn"
    return f"{prefix}-bruktekontormobler-{today.isoformat()}.zip"


def _format_json(export: Export) -> bytes:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "kind": export.kind,
        "created_at": oslo_iso(export.created_at),
        "customer_id": export.user.id,
        "controller": {
            "name": COMPANY["name"],
            "org_number": COMPANY["org_number"],
            "email": COMPANY["email"],
        },
        "readme": "LES-MEG.txt",
        "tables": [
            {
                "name": t.entry.name,
                "description": t.entry.about,
                "rows": len(t.rows),
                "json": f"{t.entry.name}.json",
                "csv": f"{t.entry.name}.csv",
            }
            for t in export.tables
        ],
        "files": sorted(export.files),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _row(export: Export, entry: Table, row, columns: list[str]) -> dict:
    values = {}
    for column in columns:
        value = row[column]
        if isinstance(value, bytes | bytearray | memoryview):
            value = export.add_file(_file_path(entry, row, column), bytes(value))
        values[column] = json_value(value)
    return values


def _file_path(entry: Table, row, column: str) -> str:
    """Where a bytes value goes in the ZIP: documents and attachments by their own names."""
    if entry.name == "issued_documents":
        kind = DOCUMENT_FILE_NAMES.get(row["kind"], row["kind"])
        return "dokumenter/" + _safe(f"{kind}-{row['display_number']}") + ".pdf"
    if entry.name == "mail_attachments":
        return "vedlegg/" + _safe(f"{row['message_id']}-{row['filename']}")
    key = "-".join(str(row[c]) for c in _primary_key(entry))
    return "filer/" + _safe(f"{entry.name}-{key}-{column}")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._") or "fil"


def _table(entry: Table) -> sa.Table:
    return db.metadata.tables[entry.name]


def _primary_key(entry: Table) -> list[str]:
    return [c.name for c in _table(entry).primary_key.columns]


def _in_table_order(entry: Table, names: set[str]) -> list[str]:
    return [c.name for c in _table(entry).columns if c.name in names]
