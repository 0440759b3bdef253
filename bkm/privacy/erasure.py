"""Erasing a customer (R3.10) once none of the six exceptions applies (R9.5).

Driven by the data map, table by table (bkm/privacy/data_map.py, never a list kept here):

- `delete` tables lose the customer's rows (the account last of all);
- `anonymise` tables have their personal columns blanked and the link to the customer cut
  (bkm/privacy/anonymising.py, shared with retention): orders keep number, lines, amounts and
  dates for the books; cases, quotes and credit notices keep their numbers and statuses;
- `keep` tables stay untouched: issued invoices, credit notes, order confirmations and packing
  slips are immutable bookkeeping, kept until their retention ends (R3.10), and no longer lead
  to an account because their order does not;
- `detach` tables (the consent ledger, the audit log, access requests) are append-only proof:
  the database's ON DELETE SET NULL cuts their link when the account row goes.

Which rows are the customer's is decided first, for every table, before any row changes:
ownership often runs through a parent (case messages through their case, mail attachments
through the mail's address), and the parent loses its link during erasure. Mail to the
customer is found by every address they used: the account's and those given on their orders
(an order's address can differ, and the mails about it went there), except an address that
belongs to another account.

The confirmation goes to the account's address after the old mails are deleted, so it is the
one mail that remains; the mail retention removes it like any other. Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import select

from bkm.accounts.models import User
from bkm.audit.recording import record_view
from bkm.clock import oslo_today, utcnow
from bkm.extensions import db
from bkm.mail.outbox import queue_mail
from bkm.orders.document_models import IssuedDocument
from bkm.orders.models import Order
from bkm.privacy.anonymising import anonymise
from bkm.privacy.data_map import ON_ERASURE, TABLES, Table
from bkm.privacy.exceptions import Reason, checks, preflight
from bkm.privacy.ownership import owner_condition

DOCUMENT_TITLES = {
    "order_confirmation": "Ordrebekreftelse",
    "packing_slip": "Pakkseddel",
    "invoice": "Faktura",
    "credit_note": "Kreditnota",
}
CHUNK = 500  # ids per IN (...): far below SQLite's limit on bound parameters


class ErasureRefused(Exception):
    """One or more of the six exceptions applies; `reasons` say which and until when."""

    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__("; ".join(reason.code for reason in reasons))
        self.reasons = list(reasons)


@dataclass(frozen=True)
class KeptDocument:
    """An issued document that stays after erasure, as bookkeeping (R3.10)."""

    kind: str
    display_number: str
    issued_on: date
    retain_until: date

    @property
    def title(self) -> str:
        return DOCUMENT_TITLES.get(self.kind, self.kind)


@dataclass(frozen=True)
class PlanItem:
    """One kind of the customer's data and what erasure does to it."""

    about: str
    on_erasure: str
    rows: int

    @property
    def action(self) -> str:
        return ON_ERASURE[self.on_erasure]


@dataclass
class ErasureReceipt:
    erased_at: datetime
    rows: dict[str, int] = field(default_factory=dict)  # table → rows deleted or anonymised
    kept: list[KeptDocument] = field(default_factory=list)


# ---------- What the customer has ----------


def _mail_addresses(user: User) -> list[str]:
    """The account's address and those on the customer's orders, but no other account's."""
    on_orders = set(db.session.scalars(select(Order.email).where(Order.customer_id == user.id)))
    others = set(
        db.session.scalars(
            select(User.email).where(User.email.in_(on_orders - {user.email}), User.id != user.id)
        )
    )
    return sorted(({user.email} | on_orders) - others - {""})


def _condition(entry: Table, user: User, addresses: list[str]) -> sa.ColumnElement[bool]:
    if not entry.owner.by_email:
        return owner_condition(entry, user)
    return sa.or_(
        *(owner_condition(entry, SimpleNamespace(id=user.id, email=a)) for a in addresses)
    )


def _primary_key(entry: Table) -> sa.Column:
    columns = list(db.metadata.tables[entry.name].primary_key.columns)
    if len(columns) != 1:
        raise TypeError(f"{entry.name}: erasure needs a one-column primary key")
    return columns[0]


def _owned_ids(entry: Table, user: User, addresses: list[str]) -> list:
    key = _primary_key(entry)
    return list(db.session.scalars(select(key).where(_condition(entry, user, addresses))))


def kept_documents(user: User) -> list[KeptDocument]:
    """The issued documents of the customer's orders: they stay as bookkeeping (R3.10)."""
    documents = db.session.scalars(
        select(IssuedDocument)
        .join(Order, IssuedDocument.order_id == Order.id)
        .where(Order.customer_id == user.id)
        .order_by(IssuedDocument.issued_at, IssuedDocument.id)
    )
    return [
        KeptDocument(d.kind, d.display_number, d.issued_at.date(), d.retain_until)
        for d in documents
    ]


def erasure_plan(user: User) -> list[PlanItem]:
    """What erasure would do, per mapped table the customer has rows in (for the preflight)."""
    addresses = _mail_addresses(user)
    plan = []
    for entry in TABLES:
        rows = db.session.scalar(
            select(sa.func.count())
            .select_from(db.metadata.tables[entry.name])
            .where(_condition(entry, user, addresses))
        )
        if rows:
            plan.append(PlanItem(entry.about, entry.on_erasure, rows))
    return plan


def erasure_overview(user: User, today: date | None = None) -> dict:
    """What «Slett meg» and the staff's page both show: each exception checked (`results`),
    whether one blocks, what erasure would do (`plan`) and the documents that stay (`kept`)."""
    results = checks(user, today or oslo_today())
    return {
        "results": results,
        "blocked": any(reason for _rule, reason in results),
        "plan": erasure_plan(user),
        "kept": kept_documents(user),
    }


# ---------- Erasing ----------


def _children_first() -> list[Table]:
    """The map's tables, every table before those it references, the account last."""
    position = {t.name: i for i, t in enumerate(reversed(db.metadata.sorted_tables))}
    account = User.__tablename__
    return sorted(TABLES, key=lambda entry: (entry.name == account, position[entry.name]))


def _chunks(ids: list) -> list[list]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _apply(entry: Table, ids: list, now: datetime) -> int:
    """Carry out the entry's rule on the rows with these ids; the number of rows touched."""
    if not ids or entry.on_erasure in ("keep", "detach"):
        return 0
    table = db.metadata.tables[entry.name]
    key = _primary_key(entry)
    touched = 0
    for chunk in _chunks(ids):
        if entry.on_erasure == "delete":
            touched += db.session.execute(sa.delete(table).where(key.in_(chunk))).rowcount
        elif entry.on_erasure == "anonymise":
            also = {"anonymised_at": now} if "anonymised_at" in table.c else {}
            touched += anonymise(entry, key.in_(chunk), **also)
        else:
            raise ValueError(f"{entry.name}: unknown erasure rule {entry.on_erasure!r}")
    return touched


def _lock_account(user: User) -> None:
    """Serialise with whatever adds rows for this customer at this moment (an order, a case),
    so the preflight sees them and none is added after it. PostgreSQL: their foreign keys hold
    a key-share lock on the account row, which FOR UPDATE waits for (and later ones wait for
    this transaction, then find the account gone). SQLite has one writer: the no-op UPDATE
    takes the write lock first, as the document numbering does."""
    users = db.metadata.tables[User.__tablename__]
    db.session.execute(select(users.c.id).where(users.c.id == user.id).with_for_update())
    db.session.execute(sa.update(users).where(users.c.id == user.id).values(email=users.c.email))


def erase(
    user: User, *, confirmed_by: User, today: date | None = None, reason: str = ""
) -> ErasureReceipt:
    """Erase `user`, a customer, unless an exception applies (raises ErasureRefused).

    `confirmed_by` is who confirmed it: the customer after re-entering the password, or a
    staff member acting on the customer's documented request (`reason` says how it came, for
    the audit row). Queues the confirmation mail. Never commits; the caller commits once.
    """
    if user.role != "customer":
        raise ValueError("only customers are erased this way")
    _lock_account(user)
    reasons = preflight(user, today or oslo_today())
    if reasons:
        raise ErasureRefused(reasons)
    now = utcnow()
    email = user.email
    receipt = ErasureReceipt(erased_at=now, kept=kept_documents(user))
    db.session.flush()
    addresses = _mail_addresses(user)
    ordered = _children_first()
    owned = {entry.name: _owned_ids(entry, user, addresses) for entry in ordered}
    for entry in ordered:
        if entry.name == User.__tablename__:
            # The last mail to this address, queued after the old ones are gone.
            queue_mail(
                "erasure_confirmation", to=email, kind="erasure_confirmation", receipt=receipt
            )
            record_view(
                confirmed_by,
                None,
                "erasure_check",
                "erased",
                reason or "Sletting utført etter kundens ønske",
            )
            db.session.flush()
        touched = _apply(entry, owned[entry.name], now)
        if touched:
            receipt.rows[entry.name] = touched
    # The rows changed under the session's objects; nothing it holds may be written back.
    if user in db.session:
        db.session.expunge(user)
    db.session.expire_all()
    return receipt
