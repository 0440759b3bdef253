"""Recording the facts behind the erasure exceptions (R9.5) that only staff know: misuse,
debts sold to a third party, credit decisions and a customer's death.

Each fact is written with an audit row (action "privacy_fact") naming who recorded it, and is
read by the preflight (bkm/privacy/exceptions.py). Dates are Oslo calendar dates and may not
lie in the future. Rules raise FactError with a Norwegian message and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bkm.accounts.models import User
from bkm.audit.recording import record_view
from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.forms import has_control_characters
from bkm.privacy.models import (
    CREDIT_OUTCOMES,
    MISUSE_STATUSES,
    CreditDecision,
    DebtSale,
    MisuseIncident,
)

MAX_DESCRIPTION = 2000
MAX_BUYER = 200
MAX_AMOUNT_ORE = 100_000_000_00  # 100 million kroner: more is a typing error


class FactError(ValueError):
    """A fact that cannot be recorded; the message is Norwegian, for staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Facts:
    misuse: list[MisuseIncident]
    debt_sales: list[DebtSale]
    credit_decisions: list[CreditDecision]


def _check_customer(user: User) -> None:
    if user.role != "customer":
        raise FactError("Forhold kan bare registreres på kunder.")


def _check_date(day: date | None, what: str) -> date:
    if day is None:
        raise FactError(f"Skriv datoen {what}.")
    if day > oslo_today():
        raise FactError(f"Datoen {what} kan ikke være i fremtiden.")
    return day


def _audit(by: User, user: User, target: str) -> None:
    record_view(by, user.id, "privacy_fact", target)


def record_misuse(
    user: User, *, status: str, occurred_on: date | None, description: str, by: User
) -> MisuseIncident:
    """Suspected ("suspected") or confirmed ("confirmed") misuse on a day."""
    _check_customer(user)
    if status not in MISUSE_STATUSES:
        raise FactError("Velg om det er mistanke om misbruk eller bekreftet misbruk.")
    day = _check_date(occurred_on, "misbruket skjedde")
    text = (description or "").strip()
    if not text:
        raise FactError("Beskriv hva som skjedde.")
    if len(text) > MAX_DESCRIPTION:
        raise FactError(f"Beskrivelsen kan ha maks {MAX_DESCRIPTION} tegn.")
    incident = MisuseIncident(
        user_id=user.id, status=status, occurred_on=day, description=text, recorded_by_id=by.id
    )
    db.session.add(incident)
    db.session.flush()
    _audit(by, user, f"misuse:{incident.id}")
    return incident


def record_debt_sale(
    user: User, *, sold_on: date | None, buyer: str, amount_ore: int, by: User
) -> DebtSale:
    """A claim against the customer sold to a debt collector or another third party."""
    _check_customer(user)
    day = _check_date(sold_on, "kravet ble solgt")
    name = " ".join((buyer or "").split())
    if not name:
        raise FactError("Skriv hvem som kjøpte kravet.")
    if len(name) > MAX_BUYER or has_control_characters(name):
        raise FactError(f"Kjøperen må stå på én linje med maks {MAX_BUYER} tegn.")
    if isinstance(amount_ore, bool) or not isinstance(amount_ore, int) or amount_ore <= 0:
        raise FactError("Beløpet må være mer enn 0 kr.")
    if amount_ore > MAX_AMOUNT_ORE:
        raise FactError("Beløpet er for stort. Sjekk at det er skrevet riktig.")
    sale = DebtSale(
        user_id=user.id, sold_on=day, buyer=name, amount_ore=amount_ore, recorded_by_id=by.id
    )
    db.session.add(sale)
    db.session.flush()
    _audit(by, user, f"debt_sale:{sale.id}")
    return sale


def record_credit_decision(
    user: User, *, decided_on: date | None, outcome: str, by: User
) -> CreditDecision:
    """The answer to the customer's application for credit: "approved" or "rejected"."""
    _check_customer(user)
    if outcome not in CREDIT_OUTCOMES:
        raise FactError("Velg om søknaden ble innvilget eller avslått.")
    day = _check_date(decided_on, "søknaden ble avgjort")
    decision = CreditDecision(
        user_id=user.id, decided_on=day, outcome=outcome, recorded_by_id=by.id
    )
    db.session.add(decision)
    db.session.flush()
    _audit(by, user, f"credit_decision:{decision.id}")
    return decision


def record_death(user: User, *, deceased_on: date | None, by: User) -> None:
    """The day the customer died: a sold debt then blocks erasure for one year, not three."""
    _check_customer(user)
    user.deceased_on = _check_date(deceased_on, "kunden døde")
    db.session.flush()
    _audit(by, user, "deceased")


def facts_of(user: User) -> Facts:
    """Everything recorded about the customer, newest first."""

    def rows(model, day):
        query = select(model).where(model.user_id == user.id).order_by(day.desc(), model.id.desc())
        return list(db.session.scalars(query))

    return Facts(
        misuse=rows(MisuseIncident, MisuseIncident.occurred_on),
        debt_sales=rows(DebtSale, DebtSale.sold_on),
        credit_decisions=rows(CreditDecision, CreditDecision.decided_on),
    )
