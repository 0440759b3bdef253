"""Writing the personal-data export: values, JSON and CSV files, and the Norwegian LES-MEG.txt.

The format ("bkm-personopplysninger", version 1) is documented twice: here for developers and
in every ZIP's LES-MEG.txt for the customer. A change that breaks a reader bumps `VERSION`.

- `format.json`: format, version, kind, created (Oslo time with offset), customer id, files.
- `<table>.json`: {"table", "description", "columns", "rows"}; one object per row, keys are the
  column names. Times are Europe/Oslo ISO 8601 with offset, dates ISO 8601, money integer øre
  (columns ending in `_ore`), JSON columns nested as they are. Bytes never go into JSON: the
  value is the path of the file in the ZIP that holds them (`dokumenter/…`, `vedlegg/…`).
- `<table>.csv`: UTF-8 with BOM, semicolons, CRLF, header = the column names; the same values
  as the JSON (nested values as JSON text, true/false as "ja"/"nei", null as an empty cell).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from bkm.clock import to_oslo

FORMAT = "bkm-personopplysninger"
VERSION = 1

# Cells a spreadsheet would run as a formula get an apostrophe in the CSV (never in the JSON);
# a plain signed number such as a phone number (+4741234567) cannot run anything and is left.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Norwegian words for the columns the data map lists as `other` (ids, amounts, statuses), so
# LES-MEG can describe every field. A column missing here is described by its name's ending
# (_ore, _at, _on, _id, is_) in `column_description`.
GLOSSARY = {
    "id": "Radens nummer hos oss; andre filer viser til det",
    "number": "Nummeret (ordre-, tilbuds-, saks- eller løpenummer)",
    "display_number": "Dokumentnummeret slik det står på dokumentet",
    "series": "Nummerserien dokumentet tilhører",
    "status": "Status",
    "kind": "Type",
    "title": "Varens navn",
    "sku": "Varenummer",
    "condition": "Tilstandsgrad (A, B eller C)",
    "quantity": "Antall",
    "vat_scheme": "Mva-ordning: «standard» (25 % mva) eller «margin» (bruktmoms)",
    "customer_type": "Privat- eller bedriftskunde",
    "delivery_method": "Henting i Elverum eller levering",
    "payment_method": "Betalingsmåte",
    "method": "Fraktmåte",
    "tracking": "Sporingsnummer",
    "kid": "KID-nummer for betaling",
    "void_reason": "Hvorfor dokumentet ble makulert",
    "action": "Hva som skjedde",
    "granted": "Formål det ble sagt ja til",
    "refused": "Formål det ble sagt nei til",
    "policy_version": "Versjonen av personvernerklæringen svaret gjaldt",
    "text_digest": "SHA-256 av teksten som ble vist, som bevis på hva svaret gjaldt",
    "channel": "Hvor eller hvordan det skjedde",
    "from_staff": "Skrevet av oss («ja») eller av deg («nei»)",
    "message_id": "E-postens Message-ID",
    "reference": "Hva e-posten gjaldt",
    "attempts": "Hvor mange ganger vi prøvde å sende",
    "filename": "Filnavn",
    "content_type": "Filtype",
    "target": "Hva som ble åpnet",
    "actor_role": "Rollen den ansatte hadde da",
    "reason": "Hvorfor",
    "at": "Tidspunkt (norsk tid)",
    "valid_until": "Siste dag tilbudet gjelder",
}


def oslo_iso(moment: datetime) -> str:
    return to_oslo(moment).isoformat(timespec="seconds")


def json_value(value):
    """A column value as JSON: Oslo times, ISO dates; bytes are replaced by the caller."""
    if isinstance(value, datetime):
        return oslo_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        raise TypeError("bytes never go into the JSON; write them to a file first")
    return value


def csv_cell(value) -> str:
    """A JSON value (after json_value) as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    if text.startswith(("+", "-")) and text[1:].replace(" ", "").isdigit():
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table_json(name: str, description: str, columns: list[str], rows: list[dict]) -> bytes:
    document = {"table": name, "description": description, "columns": columns, "rows": rows}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def table_csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([csv_cell(row[column]) for column in columns] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def column_description(column: sa.Column) -> str:
    """Norwegian words for a column the data map does not describe itself."""
    name = column.name
    for key in column.foreign_keys:
        target = key.column.table.name
        if target == "users":
            return "Nummeret til en person hos oss (deg selv, eller en ansatt)"
        return f"Viser til en rad i {target} (kolonnen «id»)"
    if name in GLOSSARY:
        return GLOSSARY[name]
    if name.endswith("_ore"):
        return "Beløp i øre inkl. mva (100 øre = 1 krone)"
    if name.endswith("_at"):
        return "Tidspunkt (norsk tid)"
    if name.endswith("_on"):
        return "Dato"
    if name.startswith(("is_", "has_")):
        return "Ja eller nei"
    return "Teknisk felt"
