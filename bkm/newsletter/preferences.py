"""Sales calls and catalogues by post (R3.7): the customer's say, and who may be contacted.

The privacy statement promises "customers may receive sales calls and catalogues, and can say
no to them". The shop asks first: no ContactPreference row, or a flag never set, means "not
asked", and "not asked" is no. A customer answers on /konto/markedsforing (source "mypage"),
or tells us by phone and staff record it on the customer's admin page (source "staff").
Every answer stamps when and from where it was given and appends a row to the consent ledger
(purpose keys "sales_calls" and "catalogues"), so the shop can show what it relied on.

The law these rules follow (research: ../shared/research/norwegian-legal-requirements.md § 2.2):

- Telefonsalg til forbrukere er forbudt på lørdager, søndager og helligdager, og på hverdager
  før kl. 09.00 og etter kl. 21.00 (markedsføringsloven § 14). Ring derfor bare hverdager
  kl. 09–21; the call list's first line says so (CALL_HOURS_NOTICE).
- Private persons can reserve themselves against telemarketing and addressed advertising
  centrally in Reservasjonsregisteret (Brønnøysundregistrene) or directly with the shop
  (markedsføringsloven §§ 12–13). A reservation made with the shop (saying no here) always
  wins. Lists must be checked against the register before the first contact and at least
  monthly (Brreg; Prop. 43 L (2016–2017) kap. 2), and the register's data may only be used
  to clean lists (forskrift om Reservasjonsregisteret § 3). Staff record the result per
  customer with `mark_reserved`; a reserved customer is never on the call list.
  Businesses cannot register there (Brreg).
- An objection to direct marketing is absolute (GDPR art. 21(2)–(3)): a "no" takes the
  customer off the lists at once.

The lists hold only active customers (role customer, account not blocked; a deleted customer
has no row at all, and the shop has no separate anonymised marker) who said yes: the call
list those not reserved and with a phone number, the catalogue list those with a complete
postal address (street, postcode, city).

Plain functions: they add to the session and never commit; the view commits.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, and_, func, or_, select

from bkm.accounts.models import User
from bkm.clock import oslo_today, utcnow
from bkm.consent.choice import new_consent_id
from bkm.consent.models import ConsentRecord
from bkm.consent.policy import snapshot, text_digest
from bkm.extensions import db
from bkm.newsletter.models import SOURCES, ContactPreference

CALLS = "sales_calls"  # purpose keys in the consent ledger
CATALOGUES = "catalogues"
LEDGER_CHANNELS = {source: source for source in SOURCES}  # each source is a ledger channel
SOURCE_LABELS = {
    "registration": "Registrering",
    "checkout": "Kassen",
    "mypage": "Min side",
    "staff": "Registrert av oss",
}
REGISTER_CHECK_DAYS = 30  # "at least monthly" (Brreg; Prop. 43 L (2016–2017))
CALL_HOURS_NOTICE = (
    "Ring bare hverdager kl. 09–21: aldri lørdag, søndag eller helligdag "
    "(markedsføringsloven § 14)."
)


class PreferenceError(ValueError):
    """A contact preference was set for someone it does not apply to, or with a bad value."""


def preferences_of(user_id: int) -> ContactPreference:
    """The customer's answers, or unsaved defaults (nothing asked, nothing allowed)."""
    found = db.session.get(ContactPreference, user_id)
    if found is not None:
        return found
    return ContactPreference(
        user_id=user_id,
        calls_allowed=False,
        catalogues_allowed=False,
        reserved=False,
    )


def _row_for(user: User) -> ContactPreference:
    row = db.session.get(ContactPreference, user.id)
    if row is None:
        row = ContactPreference(
            user_id=user.id, calls_allowed=False, catalogues_allowed=False, reserved=False
        )
        db.session.add(row)
    return row


def _check(user: User, allowed, source: str) -> None:
    if getattr(user, "role", None) != "customer":
        raise PreferenceError("only customers have contact preferences")
    if not isinstance(allowed, bool):
        raise PreferenceError(f"allowed must be True or False, not {allowed!r}")
    if source not in SOURCES:
        raise PreferenceError(f"unknown source {source!r}")


def set_calls(user: User, allowed: bool, source: str) -> bool:
    """Record the customer's yes or no to sales calls; False when nothing changed."""
    return _set(user, CALLS, "calls", allowed, source)


def set_catalogues(user: User, allowed: bool, source: str) -> bool:
    """Record the customer's yes or no to catalogues by post; False when nothing changed."""
    return _set(user, CATALOGUES, "catalogues", allowed, source)


def _set(user: User, purpose: str, prefix: str, allowed: bool, source: str) -> bool:
    """Stamp the flag and append a ledger row, unless it already holds this very answer.

    A first "no" is recorded too: it turns "not asked" into an answer.
    """
    _check(user, allowed, source)
    row = _row_for(user)
    before = bool(getattr(row, f"{prefix}_allowed"))
    if getattr(row, f"{prefix}_set_at") is not None and before == allowed:
        return False
    setattr(row, f"{prefix}_allowed", allowed)
    setattr(row, f"{prefix}_set_at", utcnow())
    setattr(row, f"{prefix}_source", source)
    _append_to_ledger(user, purpose, allowed, withdrawing=before and not allowed, source=source)
    return True


def _append_to_ledger(
    user: User, purpose: str, allowed: bool, *, withdrawing: bool, source: str
) -> ConsentRecord:
    policy = snapshot()
    latest = db.session.scalar(
        select(ConsentRecord.consent_id)
        .where(ConsentRecord.user_id == user.id)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    )
    record = ConsentRecord(
        consent_id=latest or new_consent_id(),
        action="accept" if allowed else ("withdraw" if withdrawing else "reject"),
        granted=purpose if allowed else "",
        refused="" if allowed else purpose,
        policy_version=policy.version,
        text_digest=text_digest(policy),
        channel=LEDGER_CHANNELS[source],
        user_id=user.id,
    )
    db.session.add(record)
    return record


def mark_reserved(user: User, reserved: bool, checked_on: date) -> ContactPreference:
    """Staff record what Reservasjonsregisteret said about the customer on `checked_on`."""
    if getattr(user, "role", None) != "customer":
        raise PreferenceError("only customers are checked against Reservasjonsregisteret")
    if not isinstance(reserved, bool):
        raise PreferenceError(f"reserved must be True or False, not {reserved!r}")
    if not isinstance(checked_on, date) or checked_on > oslo_today():
        raise PreferenceError(f"checked_on must be a date no later than today: {checked_on!r}")
    row = _row_for(user)
    row.reserved = reserved
    row.reserved_checked_on = checked_on
    return row


def _active_customers() -> Select:
    return (
        select(User, ContactPreference)
        .join(ContactPreference, ContactPreference.user_id == User.id)
        .where(User.role == "customer", User.is_active_account.is_(True))
    )


def _filled(column):
    return and_(column.is_not(None), func.trim(column) != "")


def call_list() -> Select:
    """(User, ContactPreference) rows of the customers who may get sales calls, by name."""
    return (
        _active_customers()
        .where(
            ContactPreference.calls_allowed.is_(True),
            ContactPreference.reserved.is_(False),
            _filled(User.phone),
        )
        .order_by(User.name, User.id)
    )


def catalogue_list() -> Select:
    """(User, ContactPreference) rows of the customers who may get catalogues, by name."""
    return (
        _active_customers()
        .where(
            ContactPreference.catalogues_allowed.is_(True),
            _filled(User.street),
            _filled(User.postcode),
            _filled(User.city),
        )
        .order_by(User.name, User.id)
    )


def stale_register_checks(today: date | None = None) -> Select:
    """The call list's customers not checked against Reservasjonsregisteret in the last
    REGISTER_CHECK_DAYS days, or never: check them before the next call."""
    since = (today or oslo_today()) - timedelta(days=REGISTER_CHECK_DAYS)
    return call_list().where(
        or_(
            ContactPreference.reserved_checked_on.is_(None),
            ContactPreference.reserved_checked_on < since,
        )
    )


def count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
