"""Opening a case, writing in it and closing it; the mails that go with them. Never commits."""

from __future__ import annotations

import uuid

from flask import current_app, has_request_context
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from bkm.accounts.mailing import mail_link
from bkm.accounts.models import User
from bkm.cases.models import (
    CLOSED,
    KINDS,
    MAX_BODY,
    MAX_SUBJECT,
    OPEN,
    WAITING_FOR_CUSTOMER,
    Case,
    CaseMessage,
)
from bkm.clock import utcnow
from bkm.extensions import db
from bkm.mail.outbox import queue_mail

MIN_COMPLAINT = 10  # characters: "den er ødelagt" is enough, "feil" is not
MAX_NUMBER_LENGTH = 20
MAX_QUERY = 100


class CaseError(ValueError):
    """A case or message that cannot be stored; the message is in Norwegian."""


def case_number(case_id: int) -> str:
    return f"S-{100000 + case_id}"


def _clean_body(body: str | None, *, minimum: int = 1) -> str:
    text = (body or "").strip()
    if not text:
        raise CaseError("Skriv en melding.")
    if len(text) > MAX_BODY:
        raise CaseError(f"Meldingen kan ha maks {MAX_BODY} tegn.")
    if len(text) < minimum:
        raise CaseError(f"Beskriv saken med minst {minimum} tegn.")
    return text


def open_case(
    customer: User,
    *,
    kind: str,
    subject: str,
    body: str,
    order_id: int | None = None,
    author: User | None = None,
    notify: bool = True,
) -> Case:
    """A new open case with its first message (by `author`, default the customer).

    `notify`: queue the receipt mail case_received to the customer (a withdrawal sends its
    own receipt instead). Raises CaseError. Never commits.
    """
    if kind not in KINDS:
        raise CaseError("Ukjent sakstype.")
    subject = " ".join((subject or "").split())
    if not subject:
        raise CaseError("Saken mangler emne.")
    if len(subject) > MAX_SUBJECT:
        raise CaseError(f"Emnet kan ha maks {MAX_SUBJECT} tegn.")
    text = _clean_body(body, minimum=MIN_COMPLAINT if kind == "complaint" else 1)
    author = author or customer
    case = Case(
        number=f"pending-{uuid.uuid4().hex[:12]}",  # replaced by the id-based number below
        customer_id=customer.id,
        order_id=order_id,
        kind=kind,
        status=OPEN,
        subject=subject,
        created_at=utcnow(),
    )
    case.messages.append(
        CaseMessage(author_id=author.id, from_staff=author.is_staff, body=text, created_at=utcnow())
    )
    db.session.add(case)
    db.session.flush()
    case.number = case_number(case.id)
    if notify:
        _queue_case_mail("case_received", case, customer, body=text)
    return case


def add_message(case: Case, author: User, body: str, *, from_staff: bool) -> CaseMessage:
    """A reply in the case. Staff replies are mailed to the customer (case_reply) and leave
    the case waiting for the customer; a customer's reply opens it again. Never commits."""
    if case.is_closed:
        raise CaseError("Saken er avsluttet. Opprett en ny sak om du trenger mer hjelp.")
    if case.customer is None:  # erased (R3.10): nobody to write to
        raise CaseError("Kunden er slettet, så saken kan ikke få flere meldinger.")
    text = _clean_body(body)
    message = CaseMessage(
        author_id=author.id, from_staff=from_staff, body=text, created_at=utcnow()
    )
    case.messages.append(message)
    case.status = WAITING_FOR_CUSTOMER if from_staff else OPEN
    db.session.flush()
    if from_staff:
        _queue_case_mail("case_reply", case, case.customer, body=text)
    return message


def close_case(case: Case, by: User | None = None) -> None:
    if case.is_closed:
        raise CaseError(f"Sak {case.number} er allerede avsluttet.")
    case.status = CLOSED
    case.closed_at = utcnow()


def _queue_case_mail(template: str, case: Case, customer: User, *, body: str) -> None:
    queue_mail(
        template,
        to=customer.email,
        kind=template,
        reference=f"case:{case.id}",
        case=case,
        customer=customer,
        body=body,
        case_url=_case_url(case, customer),
    )


def _case_url(case: Case, customer: User) -> str | None:
    """A link to the case page, for customers who can log in, when a link can be built."""
    if customer.password_hash is None:
        return None
    if not (current_app.config.get("SHOP_URL") or has_request_context()):
        return None
    return mail_link("accounts.case", number=case.number)


# ---------- Finding cases ----------


def find_case(number: str, customer_id: int | None = None) -> Case | None:
    """The case with this number; only if it belongs to customer_id when that is given."""
    if not number or len(number) > MAX_NUMBER_LENGTH:
        return None
    stmt = select(Case).where(Case.number == number).options(selectinload(Case.messages))
    if customer_id is not None:
        stmt = stmt.where(Case.customer_id == customer_id)
    return db.session.scalar(stmt)


def cases_of(customer_id: int) -> list[Case]:
    stmt = select(Case).where(Case.customer_id == customer_id).order_by(Case.id.desc())
    return list(db.session.scalars(stmt))


def cases_of_order(order_id: int) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.order_id == order_id).order_by(Case.id)))


def has_open_case(order_id: int, kind: str) -> bool:
    stmt = select(Case.id).where(
        Case.order_id == order_id, Case.kind == kind, Case.status != CLOSED
    )
    return db.session.scalar(stmt.limit(1)) is not None


def case_search(query: str = "", only_open: bool = True) -> Select:
    """Newest first; `query` matches the case number (with or without "S-") or the
    customer's name or e-mail. Cases of erased customers (no customer) are listed too."""
    stmt = select(Case).outerjoin(User, Case.customer_id == User.id).order_by(Case.id.desc())
    if only_open:
        stmt = stmt.where(Case.status != CLOSED)
    query = (query or "").strip()[:MAX_QUERY]
    if query:
        pattern = (
            "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        number = query.upper() if query.upper().startswith("S-") else f"S-{query}"
        stmt = stmt.where(
            or_(
                Case.number == number,
                db.func.lower(User.name).like(pattern, escape="\\"),
                db.func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    return stmt.options(selectinload(Case.customer))
