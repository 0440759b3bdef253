"""Retention (R3.9) beyond purchase data: raw clickstream, unverified accounts, sent mail, the
erasure facts that can no longer block and the consent ledger's expired proof. Rules take the
run's `Cutoffs` (bkm/privacy/retention.py), return counts and never commit.

Two things the privacy statement's retention covers are not stored at all, so there is nothing
to purge: expired tokens (every link the shop mails — e-mail verification, password reset,
newsletter confirmation and unsubscribe, the data-access download — is a signed,
time-limited token that is checked, never saved; `tests/privacy/test_retention.py` checks that
no table keeps one) and export files (the data export is built in memory when it is
downloaded). The run's summary says so instead of pretending to purge them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bkm.accounts.models import User
from bkm.clickstream.retention import delete_old_events
from bkm.clock import OSLO
from bkm.consent.registry import OWN_BOX_PURPOSES
from bkm.extensions import db
from bkm.mail.models import MailAttachment, MailMessage
from bkm.privacy.data_map import TABLES
from bkm.privacy.exceptions import (
    CREDIT_REJECTION_MONTHS,
    DEBT_SALE_YEARS,
    DEBT_SALE_YEARS_DECEASED,
    MISUSE_YEARS,
    add_months,
    add_years,
)
from bkm.privacy.models import CreditDecision, DebtSale, MisuseIncident
from bkm.privacy.retention import Cutoffs

NOTHING_STORED = {
    "tokens": "Utløpte lenker: ingen lagres (lenkene i e-post er signerte og tidsbegrensede)",
    "exports": "Eksportfiler: ingen lagres (eksporten lages når den lastes ned)",
}


def purge_clickstream(cutoffs: Cutoffs) -> dict[str, int]:
    """Raw clickstream events past their retention; the cookieless daily counts stay."""
    days = cutoffs.periods.clickstream_days
    return {"click_events": delete_old_events(now=cutoffs.now, days=days)}


# ---------- Unverified accounts ----------

# Rows of these retention classes are what the shop must keep: an account owning one is a
# customer, not an abandoned registration (orders, quotes, cases, credit notices, facts).
MUST_KEEP = ("order", "primary_document", "secondary_document", "erasure_fact")
_users = User.__table__


def _owns_something_kept() -> sa.ColumnElement[bool]:
    """The user owns a row of a table the data map keeps for bookkeeping or erasure rules."""
    owned = []
    for entry in TABLES:
        if entry.retention in MUST_KEEP and not entry.owner.via and not entry.owner.by_email:
            table = db.metadata.tables[entry.name]
            owned.append(
                sa.select(sa.literal(1))
                .where(table.c[entry.owner.column] == _users.c.id)
                .correlate(_users)
                .exists()
            )
    return sa.or_(*owned)


def delete_unverified_accounts(cutoffs: Cutoffs) -> dict[str, int]:
    """Accounts with a password whose e-mail was never verified, created before the cutoff,
    owning nothing the shop must keep, go with the mail sent to them; the rest of their rows
    follow through the foreign keys (deleted, or detached where the data map says so).

    Guests from checkout have no password and are customers with an order: never purged here.
    """
    abandoned = sa.and_(
        _users.c.role == "customer",
        _users.c.password_hash.is_not(None),
        _users.c.email_verified_at.is_(None),
        _users.c.created_at < cutoffs.unverified_accounts,
        ~_owns_something_kept(),
    )
    addresses = sa.select(_users.c.email).where(abandoned)
    for entry in TABLES:  # the outbox: owned by address, not by a foreign key
        if entry.owner.by_email and not entry.owner.via:
            table = db.metadata.tables[entry.name]
            mine = table.c[entry.owner.column].in_(addresses)
            if "status" in table.c:
                mine &= table.c.status != "sending"  # a sender holds it now; gone next night
            db.session.execute(sa.delete(table).where(mine))
    return {"unverified_accounts": db.session.execute(sa.delete(_users).where(abandoned)).rowcount}


# ---------- Mail ----------

_mail = MailMessage.__table__
_attachments = MailAttachment.__table__


def delete_sent_mail(cutoffs: Cutoffs) -> dict[str, int]:
    """Sent mail (rows and attachments) sent before the cutoff; queued, failing and failed
    mail stays for the sender and for staff to see."""
    old = (_mail.c.status == "sent") & (_mail.c.sent_at < cutoffs.mail)
    attachments = db.session.execute(
        sa.delete(_attachments).where(
            _attachments.c.message_id.in_(sa.select(_mail.c.id).where(old))
        )
    ).rowcount
    return {
        "mail": db.session.execute(sa.delete(_mail).where(old)).rowcount,
        "mail_attachments": attachments,
    }


# The file transport's name for a mail: "<UTC time>-<Message-ID>.eml" (bkm/mail/transports.py).
MAIL_FILE = re.compile(r"(\d{8}T\d{6}Z)-.+\.eml")


def old_mail_files(directory: str | Path | None, cutoffs: Cutoffs) -> list[Path]:
    """The .eml copies the file transport wrote before the mail cutoff."""
    folder = Path(directory) if directory else None
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        match = MAIL_FILE.fullmatch(path.name)
        if match and path.is_file():
            written = datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if written < cutoffs.mail:
                found.append(path)
    return found


# ---------- Erasure facts ----------


def _may_have_ended(column: sa.Column, today: date, months: int) -> sa.ColumnElement[bool]:
    """A cheap SQL bound (every month has at least 28 days) before the exact check below."""
    return column <= today - timedelta(days=28 * months - 4)


def delete_expired_erasure_facts(cutoffs: Cutoffs) -> dict[str, int]:
    """The facts behind erasure exceptions once they can no longer block, by the same
    calendar rule as bkm/privacy/exceptions.py: a fact blocks to and including the anniversary
    day (misuse 4 years, debt sale 3 years or 1 year if the customer has died, credit decision
    3 months) and is deleted from the day after. Credit decisions go after 3 months whatever
    the outcome: an approval never blocks."""
    today = cutoffs.today
    misuse = [
        incident_id
        for incident_id, occurred_on in db.session.execute(
            sa.select(MisuseIncident.id, MisuseIncident.occurred_on).where(
                _may_have_ended(MisuseIncident.occurred_on, today, 12 * MISUSE_YEARS)
            )
        )
        if today > add_years(occurred_on, MISUSE_YEARS)
    ]
    debt_sales = [
        sale_id
        for sale_id, sold_on, deceased_on in db.session.execute(
            sa.select(DebtSale.id, DebtSale.sold_on, User.deceased_on)
            .join(User, User.id == DebtSale.user_id)
            .where(_may_have_ended(DebtSale.sold_on, today, 12 * DEBT_SALE_YEARS_DECEASED))
        )
        if today > add_years(sold_on, DEBT_SALE_YEARS_DECEASED if deceased_on else DEBT_SALE_YEARS)
    ]
    credit_decisions = [
        decision_id
        for decision_id, decided_on in db.session.execute(
            sa.select(CreditDecision.id, CreditDecision.decided_on).where(
                _may_have_ended(CreditDecision.decided_on, today, CREDIT_REJECTION_MONTHS)
            )
        )
        if today > add_months(decided_on, CREDIT_REJECTION_MONTHS)
    ]
    counts = {}
    for key, model, ids in (
        ("misuse_incidents", MisuseIncident, misuse),
        ("debt_sales", DebtSale, debt_sales),
        ("credit_decisions", CreditDecision, credit_decisions),
    ):
        table = model.__table__
        counts[key] = sum(
            db.session.execute(sa.delete(table).where(table.c.id.in_(chunk))).rowcount
            for chunk in _chunks(ids)
        )
    return counts


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# ---------- The consent ledger ----------

CONSENT_PROOF_YEARS = 3  # the limitation period: proof of a consent is kept this long after it
CHOICE_MONTHS = 12  # a browser's banner choice lapses after this (bkm/consent/choice.py)


def _topic(records: sa.Table) -> sa.ColumnElement[str]:
    """What a row is an answer to: one of the own boxes (newsletter, sales calls, catalogues),
    or '' for the banner's purposes. A row ends the consent of an earlier row on its topic."""
    return sa.case(
        (records.c.granted.in_(OWN_BOX_PURPOSES), records.c.granted),
        (records.c.refused.in_(OWN_BOX_PURPOSES), records.c.refused),
        else_="",
    )


def delete_expired_consent_proof(cutoffs: Cutoffs) -> dict[str, int]:
    """Consent ledger rows whose consent ended more than three years ago, as the privacy
    statement says: a row replaced by a later answer on the same topic from the same browser
    or person at least three years ago, and a row of nobody (a visitor, or a customer since
    erased) whose answer lapsed after twelve months and three years more. A customer's latest
    answer on each topic is the consent in force and stays while the account does. The ledger
    is append-only for the shop; this is its one sanctioned delete (a Core DELETE).
    """
    records = db.metadata.tables["consent_records"]
    later = records.alias("later")
    ended_long_ago = add_years(cutoffs.today, -CONSENT_PROOF_YEARS)
    cutoff = datetime.combine(ended_long_ago, datetime.min.time(), tzinfo=OSLO).astimezone(UTC)
    lapsed = datetime.combine(
        add_months(ended_long_ago, -CHOICE_MONTHS), datetime.min.time(), tzinfo=OSLO
    ).astimezone(UTC)
    replaced = (
        sa.select(later.c.id)
        .where(
            later.c.consent_id == records.c.consent_id,
            later.c.id > records.c.id,
            _topic(later) == _topic(records),
            later.c.at < cutoff,
        )
        .exists()
    )
    nobodys_and_lapsed = sa.and_(records.c.user_id.is_(None), records.c.at < lapsed)
    statement = sa.delete(records).where(
        records.c.at < cutoff, sa.or_(replaced, nobodys_and_lapsed)
    )
    return {"consent_records": db.session.execute(statement).rowcount}
