"""Retention (R3.9): what the shop keeps, and for how long, carried out with dates.

Bookkeeping decides how long purchase data stays (bokføringsloven § 13, counted from the end
of the financial year, which is the calendar year in Oslo):

- invoices and credit notes (primary documents) until 31 December of year + 5;
- order confirmations, packing slips, quotes, correspondence (cases), credit notices and the
  order itself (secondary) until 30 June of year + 4 (3 years 6 months).

An order is anonymised — its buyer blanked per the data map, the customer link cut,
`anonymised_at` set; lines, amounts and dates stay for statistics — once its own secondary
retention (from `placed_at`) and that of every one of its documents have ended, whatever its
status. A document whose retention has ended is deleted: it is bookkeeping only. That
deletion is the one sanctioned exception to IssuedDocument's immutability, done by a Core
DELETE in `delete_documents_past_retention`; the ORM still refuses `session.delete()` on any
document. An invoice stays as long as a kept credit note refers to it.

Each rule takes the `Cutoffs` of one run, changes only rows that still hold something (so a
second run changes nothing), returns counts and never commits; `flask bkm retention run`
(bkm/privacy/retention_cli.py) commits after each step, or rolls everything back with
--dry-run. The housekeeping steps (clickstream, unverified accounts, mail, erasure facts) are
in bkm/privacy/retention_housekeeping.py.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bkm.cases.models import Case, CaseMessage
from bkm.clock import OSLO, to_oslo
from bkm.extensions import db
from bkm.orders.document_models import IssuedDocument
from bkm.orders.models import Order, Shipment
from bkm.orders.quote_models import CreditNotice, Quote
from bkm.privacy.anonymising import anonymise
from bkm.privacy.data_map import BY_NAME

# Kept by the secondary rule; every other kind (invoices, credit notes, any kind added later)
# by the longer primary rule.
SECONDARY_KINDS = ("order_confirmation", "packing_slip")

# The law's minimums: configuring less would delete bookkeeping too early.
MIN_PRIMARY_YEARS = 5
MIN_SECONDARY_MONTHS = 42


class RetentionSettingsError(ValueError):
    """A retention setting that would break the law or makes no sense; the message (Norwegian,
    for the operator) says which."""


@dataclass(frozen=True)
class Periods:
    primary_years: int
    secondary_months: int
    mail_days: int
    unverified_account_days: int
    clickstream_days: int


def periods_from(config: Any) -> Periods:
    """The retention settings of `config`, checked."""
    values = {}
    for key, minimum in (
        ("RETENTION_PRIMARY_YEARS", MIN_PRIMARY_YEARS),
        ("RETENTION_SECONDARY_MONTHS", MIN_SECONDARY_MONTHS),
        ("MAIL_RETENTION_DAYS", 1),
        ("UNVERIFIED_ACCOUNT_DAYS", 1),
        ("CLICKSTREAM_RETENTION_DAYS", 1),
    ):
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise RetentionSettingsError(
                f"BKM_{key} må være et helt tall på minst {minimum}, ikke {value!r}."
            )
        values[key] = value
    return Periods(*values.values())


# ---------- Dates ----------


def retained_until(year: int, months: int) -> date:
    """The last day a document of financial year `year` is kept: the end of the month that
    lies `months` after the year's end (60 → 31 December of year + 5; 42 → 30 June of year + 4).
    """
    month_index = year * 12 + 11 + months  # December of `year`, then `months` on
    end_year, month0 = divmod(month_index, 12)
    return date(end_year, month0 + 1, calendar.monthrange(end_year, month0 + 1)[1])


def newest_ended_year(today: date, months: int) -> int:
    """The newest financial year whose retention has ended by `today` (kept through the last
    day, gone the day after)."""
    year = today.year
    while retained_until(year, months) >= today:
        year -= 1
    return year


def start_of_oslo_year(year: int) -> datetime:
    """Midnight of 1 January in Oslo, as aware UTC: the financial year follows Oslo's calendar."""
    return datetime(year, 1, 1, tzinfo=OSLO).astimezone(UTC)


@dataclass(frozen=True)
class Cutoffs:
    """The moments one run compares with: anything dated before a cutoff is past retention."""

    now: datetime
    today: date  # in Oslo
    primary_year: int  # the newest financial year whose invoices and credit notes are past
    secondary_year: int  # the same for everything kept by the secondary rule
    primary: datetime  # invoices and credit notes issued before this
    secondary: datetime  # everything kept by the secondary rule, dated before this
    mail: datetime  # mail sent before this
    unverified_accounts: datetime  # unverified accounts created before this
    periods: Periods

    @classmethod
    def at(cls, now: datetime, periods: Periods) -> Cutoffs:
        today = to_oslo(now).date()
        primary_year = newest_ended_year(today, periods.primary_years * 12)
        secondary_year = newest_ended_year(today, periods.secondary_months)
        return cls(
            now=now,
            today=today,
            primary_year=primary_year,
            secondary_year=secondary_year,
            primary=start_of_oslo_year(primary_year + 1),
            secondary=start_of_oslo_year(secondary_year + 1),
            mail=now - timedelta(days=periods.mail_days),
            unverified_accounts=now - timedelta(days=periods.unverified_account_days),
            periods=periods,
        )


# ---------- Purchase data ----------

_orders = Order.__table__
_documents = IssuedDocument.__table__
_shipments = Shipment.__table__
_quotes = Quote.__table__
_cases = Case.__table__
_messages = CaseMessage.__table__
_credit_notices = CreditNotice.__table__


def _still_kept(documents: sa.Table, cutoffs: Cutoffs) -> sa.ColumnElement[bool]:
    """Documents whose retention has not ended."""
    secondary = documents.c.kind.in_(SECONDARY_KINDS)
    return sa.or_(
        secondary & (documents.c.issued_at >= cutoffs.secondary),
        ~secondary & (documents.c.issued_at >= cutoffs.primary),
    )


def anonymise_orders(cutoffs: Cutoffs) -> dict[str, int]:
    """Anonymise every order past its own and all its documents' retention, in any status."""
    kept_document = (
        sa.select(_documents.c.id)
        .where(_documents.c.order_id == _orders.c.id, _still_kept(_documents, cutoffs))
        .correlate(_orders)
        .exists()
    )
    condition = sa.and_(
        _orders.c.anonymised_at.is_(None),
        _orders.c.placed_at < cutoffs.secondary,
        ~kept_document,
    )
    return {"orders": anonymise(BY_NAME["orders"], condition, anonymised_at=cutoffs.now)}


def blank_shipment_notes(cutoffs: Cutoffs) -> dict[str, int]:
    """Shipment notes past the secondary rule, and every note of an anonymised order."""
    anonymised = sa.select(_orders.c.id).where(_orders.c.anonymised_at.is_not(None))
    condition = (_shipments.c.note != "") & sa.or_(
        _shipments.c.shipped_at < cutoffs.secondary, _shipments.c.order_id.in_(anonymised)
    )
    return {"shipment_notes": anonymise(BY_NAME["shipments"], condition)}


def delete_documents_past_retention(cutoffs: Cutoffs) -> dict[str, int]:
    """Delete issued documents whose retention has ended: the only path that may delete one.

    A Core DELETE, so IssuedDocument's ORM guard (which stays for everyone else) is not asked.
    Credit notes go first; an invoice a kept credit note still refers to stays with it.
    """
    past = ~_still_kept(_documents, cutoffs)
    credit_notes = db.session.execute(
        sa.delete(_documents).where(past, _documents.c.kind == "credit_note")
    ).rowcount
    referring = _documents.alias("referring")  # the credit notes left after the first DELETE
    referenced = sa.select(referring.c.credits_document_id).where(
        referring.c.credits_document_id.is_not(None)
    )
    others = _documents.c.kind != "credit_note"
    secondary = _documents.c.kind.in_(SECONDARY_KINDS)
    counts = {}
    for key, kinds in (("primary_documents", ~secondary), ("secondary_documents", secondary)):
        counts[key] = db.session.execute(
            sa.delete(_documents).where(past, others, kinds, _documents.c.id.not_in(referenced))
        ).rowcount
    counts["primary_documents"] += credit_notes
    return counts


def _before(cutoff: datetime, *columns: sa.Column) -> sa.ColumnElement[bool]:
    """Every one of the (nullable) dates lies before the cutoff."""
    return sa.and_(*(sa.or_(column.is_(None), column < cutoff) for column in columns))


def anonymise_quotes(cutoffs: Cutoffs) -> dict[str, int]:
    """Quotes (message and customer link) once the last thing that happened to them is past the
    secondary rule; lines, prices and the link to an accepted quote's order stay."""
    condition = sa.and_(
        sa.or_(_quotes.c.customer_id.is_not(None), _quotes.c.message != ""),
        _quotes.c.created_at < cutoffs.secondary,
        _before(cutoffs.secondary, _quotes.c.issued_at, _quotes.c.accepted_at),
    )
    return {"quotes": anonymise(BY_NAME["quotes"], condition)}


def anonymise_cases(cutoffs: Cutoffs) -> dict[str, int]:
    """Cases (subject, message bodies, the customer's link) once their last message, opening
    and closing are past the secondary rule — open cases too: a case silent for that long is
    not ongoing. Staff replies keep their author; the customer's messages lose theirs."""
    # An alias, so the subqueries never correlate with the UPDATE of case_messages below.
    message = _messages.alias("message")
    message_personal = sa.or_(
        message.c.body != "", message.c.author_id.is_not(None) & ~message.c.from_staff
    )
    still_personal = sa.or_(
        _cases.c.customer_id.is_not(None),
        _cases.c.subject != "",
        sa.select(message.c.id)
        .where(message.c.case_id == _cases.c.id, message_personal)
        .correlate(_cases)
        .exists(),
    )
    recent_message = (
        sa.select(message.c.id)
        .where(message.c.case_id == _cases.c.id, message.c.created_at >= cutoffs.secondary)
        .correlate(_cases)
        .exists()
    )
    condition = sa.and_(
        still_personal,
        _cases.c.created_at < cutoffs.secondary,
        _before(cutoffs.secondary, _cases.c.closed_at),
        ~recent_message,
    )
    # Messages first: the condition reads them and the cases, so both are still as found.
    staff_author_only = sa.case((_messages.c.from_staff, _messages.c.author_id), else_=None)
    anonymise(
        BY_NAME["case_messages"],
        _messages.c.case_id.in_(sa.select(_cases.c.id).where(condition)),
        author_id=staff_author_only,
    )
    return {"cases": anonymise(BY_NAME["cases"], condition)}


def anonymise_credit_notices(cutoffs: Cutoffs) -> dict[str, int]:
    """Credit notices (reason and customer link) past the secondary rule; amounts stay."""
    condition = sa.and_(
        sa.or_(_credit_notices.c.customer_id.is_not(None), _credit_notices.c.reason != ""),
        _credit_notices.c.created_at < cutoffs.secondary,
    )
    return {"credit_notices": anonymise(BY_NAME["credit_notices"], condition)}
