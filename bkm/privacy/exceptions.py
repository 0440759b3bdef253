"""The six exceptions to erasure in the privacy statement (R9.5), checked against real data.

Each rule is a plain function `(user, today) -> Reason | None` over the shop's own records:
cases, orders, issued invoices and credit notes, and the facts staff record in /admin
(misuse, debt sales, credit decisions, death). `preflight` runs all six; erasure refuses
while it finds any, and Min side and /admin show the reasons with until when.

Periods of months and years end as Norwegian deadlines do (domstolloven § 148): on the day of
the final month with the same number as the start day, or on that month's last day when it
has no such day (30 November + 3 months → 28 February, 29 February in a leap year). The end
day is still inside the period: misuse on 12 March 2025 blocks erasure to and including
12 March 2029 (exactly four years), and erasure is possible from 13 March 2029. The same holds
for three years and one year after a debt sale and three months after a rejected credit
application. Dates are Oslo calendar dates.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bkm.accounts.models import User
from bkm.cases.models import CLOSED as CASE_CLOSED
from bkm.cases.models import Case
from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.money import format_kr
from bkm.orders.document_models import IssuedDocument
from bkm.orders.models import Order, Shipment
from bkm.orders.statuses import CANCELLED, CONFIRMED, PARTIALLY_SHIPPED, RECEIVED
from bkm.privacy.models import CreditDecision, DebtSale, MisuseIncident

MISUSE_YEARS = 4
DEBT_SALE_YEARS = 3
DEBT_SALE_YEARS_DECEASED = 1
CREDIT_REJECTION_MONTHS = 3
OPEN_ORDER_STATUSES = (RECEIVED, CONFIRMED, PARTIALLY_SHIPPED)

MONTHS = (
    *("januar", "februar", "mars", "april", "mai", "juni"),
    *("juli", "august", "september", "oktober", "november", "desember"),
)


@dataclass(frozen=True)
class Reason:
    """Why erasure must wait, in plain Norwegian, and until when."""

    code: str  # the rule's code, e.g. "misuse"
    title: str  # the exception, as the privacy statement names it
    explanation: str  # what applies to this customer
    until: str  # "til og med 12. mars 2029", "til saken er avsluttet"
    last_day: date | None = None  # the last day it blocks, when a date decides it

    @property
    def erasable_from(self) -> date | None:
        return None if self.last_day is None else self.last_day + timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    code: str
    label: str  # what is checked, for the preflight's list
    check: Callable[[User, date], Reason | None]


# ---------- Dates ----------


def add_months(day: date, months: int) -> date:
    """The same day number `months` later, or the last day of that month (31 Aug + 3 → 30 Nov)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def norwegian_date(day: date) -> str:
    """12. mars 2029"""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _through(day: date) -> str:
    return f"til og med {norwegian_date(day)}"


def _sentences(parts: list[str]) -> str:
    return " ".join(parts)


# ---------- The six rules ----------


def ongoing_case(user: User, today: date) -> Reason | None:
    """(1) A case (complaint, withdrawal, question) that is not closed. A case about personal
    data is not one: it is often the erasure request itself, and erasure answers it (its
    content goes with the rest)."""
    cases = list(
        db.session.scalars(
            select(Case)
            .where(Case.customer_id == user.id, Case.status != CASE_CLOSED, Case.kind != "privacy")
            .order_by(Case.id)
        )
    )
    if not cases:
        return None
    parts = [f"Sak {case.number} ({case.kind_label.lower()}) er ikke avsluttet." for case in cases]
    parts.append("Vi trenger opplysningene dine for å behandle saken ferdig.")
    return Reason(
        "ongoing_case",
        "En sak er ikke avsluttet",
        _sentences(parts),
        "til sakene er avsluttet" if len(cases) > 1 else "til saken er avsluttet",
    )


def open_order(user: User, today: date) -> Reason | None:
    """(2) An order that is received, confirmed or partly shipped: not yet fully handed over."""
    orders = list(
        db.session.scalars(
            select(Order)
            .where(Order.customer_id == user.id, Order.status.in_(OPEN_ORDER_STATUSES))
            .order_by(Order.id)
        )
    )
    if not orders:
        return None
    parts = []
    for order in orders:
        if order.status == PARTIALLY_SHIPPED:
            parts.append(f"Bestilling {order.number} er bare delvis sendt.")
        else:
            parts.append(
                f"Bestilling {order.number} er ikke sendt eller hentet ennå "
                f"(status: {order.status_label.lower()})."
            )
    parts.append("Vi trenger navn, adresse og kontaktinformasjon for å levere.")
    return Reason(
        "open_order",
        "En bestilling er ikke levert",
        _sentences(parts),
        "til bestillingen er sendt, hentet eller kansellert",
    )


def unpaid_debt(user: User, today: date) -> Reason | None:
    """(3) Money the customer owes, whatever the payment method.

    Payment is recorded on the invoice (paid_at), for invoice and pay-at-pickup orders alike.
    So a debt is an issued, not voided invoice without paid_at whose amount is not cancelled
    by its (not voided) credit notes; or goods handed over (a shipment or a pickup) on an
    order that is not cancelled and has no invoice yet: the customer owes for them, and for a
    pay-at-pickup order no payment was recorded.
    """
    orders = list(
        db.session.scalars(
            select(Order)
            .where(Order.customer_id == user.id, Order.status != CANCELLED)
            .order_by(Order.id)
        )
    )
    if not orders:
        return None
    order_ids = [order.id for order in orders]
    invoices = {
        invoice.order_id: invoice
        for invoice in db.session.scalars(
            select(IssuedDocument)
            .where(
                IssuedDocument.order_id.in_(order_ids),
                IssuedDocument.kind == "invoice",
                IssuedDocument.status == "issued",
            )
            .order_by(IssuedDocument.id)
        )
    }
    credited = dict(
        db.session.execute(
            select(IssuedDocument.credits_document_id, func.sum(IssuedDocument.total_ore))
            .where(
                IssuedDocument.credits_document_id.in_([i.id for i in invoices.values()]),
                IssuedDocument.kind == "credit_note",
                IssuedDocument.status == "issued",
            )
            .group_by(IssuedDocument.credits_document_id)
        ).all()
    )
    handed_over = set(
        db.session.scalars(select(Shipment.order_id).where(Shipment.order_id.in_(order_ids)))
    )
    parts = []
    for order in orders:
        invoice = invoices.get(order.id)
        if invoice is not None:
            outstanding = invoice.total_ore + int(credited.get(invoice.id) or 0)  # notes < 0
            if invoice.paid_at is None and outstanding > 0:
                due = f", forfall {invoice.due_on:%d.%m.%Y}" if invoice.due_on else ""
                parts.append(
                    f"Faktura {invoice.display_number} for bestilling {order.number} er ikke "
                    f"betalt ({format_kr(outstanding)}{due})."
                )
        elif order.id in handed_over:
            if order.payment_method == "pickup":
                parts.append(
                    f"Bestilling {order.number} er utlevert, men betalingen er ikke registrert."
                )
            else:
                parts.append(
                    f"Bestilling {order.number} er utlevert, men ikke fakturert og betalt ennå."
                )
    if not parts:
        return None
    parts.append("Vi må kunne kreve inn det som er utestående.")
    return Reason(
        "unpaid_debt", "Du har ubetalt gjeld hos oss", _sentences(parts), "til alt er betalt"
    )


def misuse(user: User, today: date) -> Reason | None:
    """(4) Suspected or actual misuse that happened within four years (to the anniversary)."""
    incidents = list(
        db.session.scalars(
            select(MisuseIncident)
            .where(MisuseIncident.user_id == user.id)
            .order_by(MisuseIncident.occurred_on)
        )
    )
    blocking = [i for i in incidents if today <= add_years(i.occurred_on, MISUSE_YEARS)]
    if not blocking:
        return None
    latest = max(blocking, key=lambda incident: incident.occurred_on)
    last_day = add_years(latest.occurred_on, MISUSE_YEARS)
    what = "mistanke om misbruk" if latest.status == "suspected" else "misbruk"
    return Reason(
        "misuse",
        "Misbruk eller mistanke om misbruk de siste fire årene",
        f"Vi har registrert {what} {norwegian_date(latest.occurred_on)}. Slike opplysninger "
        "tar vi vare på i fire år, for å kunne forebygge og forfølge misbruk.",
        _through(last_day),
        last_day,
    )


def debt_sold(user: User, today: date) -> Reason | None:
    """(5) A debt sold to a third party within three years; one year if the customer is
    deceased (users.deceased_on is set)."""
    years = DEBT_SALE_YEARS_DECEASED if user.deceased_on else DEBT_SALE_YEARS
    sales = list(
        db.session.scalars(
            select(DebtSale).where(DebtSale.user_id == user.id).order_by(DebtSale.sold_on)
        )
    )
    blocking = [s for s in sales if today <= add_years(s.sold_on, years)]
    if not blocking:
        return None
    latest = max(blocking, key=lambda sale: sale.sold_on)
    last_day = add_years(latest.sold_on, years)
    period = "ett år etter salget, fordi kunden er død" if user.deceased_on else "tre år"
    return Reason(
        "debt_sold",
        "Gjeld solgt til en tredjepart de siste tre årene (ett år ved dødsfall)",
        f"Et krav mot deg ble solgt til {latest.buyer} {norwegian_date(latest.sold_on)}. "
        f"Opplysningene om kravet tar vi vare på i {period}.",
        _through(last_day),
        last_day,
    )


def credit_rejected(user: User, today: date) -> Reason | None:
    """(6) An application for credit rejected within three months."""
    rejections = list(
        db.session.scalars(
            select(CreditDecision)
            .where(CreditDecision.user_id == user.id, CreditDecision.outcome == "rejected")
            .order_by(CreditDecision.decided_on)
        )
    )
    blocking = [r for r in rejections if today <= add_months(r.decided_on, CREDIT_REJECTION_MONTHS)]
    if not blocking:
        return None
    latest = max(blocking, key=lambda decision: decision.decided_on)
    last_day = add_months(latest.decided_on, CREDIT_REJECTION_MONTHS)
    return Reason(
        "credit_rejected",
        "En kredittsøknad ble avslått de siste tre månedene",
        f"Søknaden din om kreditt ble avslått {norwegian_date(latest.decided_on)}. "
        "Opplysningene om avslaget tar vi vare på i tre måneder.",
        _through(last_day),
        last_day,
    )


RULES: tuple[Rule, ...] = (
    Rule("ongoing_case", "Saker som ikke er avsluttet", ongoing_case),
    Rule("open_order", "Bestillinger som ikke er sendt eller hentet", open_order),
    Rule("unpaid_debt", "Ubetalte fakturaer og annen gjeld", unpaid_debt),
    Rule("misuse", "Misbruk eller mistanke om misbruk de siste fire årene", misuse),
    Rule(
        "debt_sold", "Gjeld solgt til inkasso de siste tre årene (ett år ved dødsfall)", debt_sold
    ),
    Rule("credit_rejected", "Avslått kredittsøknad de siste tre månedene", credit_rejected),
)


def checks(user: User, today: date | None = None) -> list[tuple[Rule, Reason | None]]:
    """Every rule with its result, in the privacy statement's order (for the preflight page)."""
    today = today or oslo_today()
    return [(rule, rule.check(user, today)) for rule in RULES]


def preflight(user: User, today: date | None = None) -> list[Reason]:
    """The reasons erasure must wait; empty when the customer can be erased today."""
    return [reason for _rule, reason in checks(user, today) if reason is not None]
