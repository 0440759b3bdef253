"""Quotes (tilbud): requested from the cart, priced and issued by staff, accepted online.

A customer asks for a quote on the cart's lines (status requested). Staff set a unit price
per line, at most the list price (a quote is a discount), and a last valid day, and issue it
(issued): the customer gets the quote confirmation (tilbudsbekreftelse) by mail. Accepting an
issued quote before it runs out places an order through bkm.orders.placing at the quoted
prices, with the same atomic stock decrement as checkout (accepted). The customer can decline
(declined), staff can withdraw (withdrawn); a quote past its last day counts as expired.

Rules never commit: the view commits once, so the quote, its order, the stock decrement and
the mails go together or not at all.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from bkm.accounts.models import User
from bkm.catalog.models import Product
from bkm.clock import oslo_today, utcnow
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.outbox import queue_mail
from bkm.orders.models import Order
from bkm.orders.placing import ORDER_NUMBER_OFFSET, CheckoutDetails, place_order
from bkm.orders.quote_models import Quote, QuoteLine

MAX_MESSAGE_LENGTH = 2000
VALID_DAYS = 14  # the default validity
MAX_VALID_DAYS = 365
MAX_NUMBER_LENGTH = 20
OPEN_STATUSES = ("requested", "issued")
STATUS_LABELS = {
    "requested": "Forespurt",
    "issued": "Utstedt",
    "accepted": "Godtatt",
    "declined": "Avslått",
    "expired": "Utløpt",
    "withdrawn": "Trukket tilbake",
}


class QuoteError(Exception):
    """A quote step that is not possible; the message is for people, in Norwegian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def quote_number(quote_id: int) -> str:
    return f"T-{ORDER_NUMBER_OFFSET + quote_id}"


def status_of(quote: Quote, today: date | None = None) -> str:
    """The status as people see it: an issued quote past its last day is expired."""
    today = today or oslo_today()
    if quote.status == "issued" and quote.valid_until is not None and quote.valid_until < today:
        return "expired"
    return quote.status


def status_label(quote: Quote, today: date | None = None) -> str:
    return STATUS_LABELS[status_of(quote, today)]


def default_valid_until(today: date | None = None) -> date:
    return (today or oslo_today()) + timedelta(days=VALID_DAYS)


# ---------- Finding ----------


def find_quote(number: str, customer_id: int | None = None) -> Quote | None:
    """The quote with this number, only if it belongs to customer_id when that is given."""
    if not number or len(number) > MAX_NUMBER_LENGTH:
        return None
    stmt = select(Quote).where(Quote.number == number).options(selectinload(Quote.lines))
    if customer_id is not None:
        stmt = stmt.where(Quote.customer_id == customer_id)
    return db.session.scalar(stmt)


def quotes_of(customer_id: int) -> list[Quote]:
    return list(
        db.session.scalars(
            select(Quote)
            .where(Quote.customer_id == customer_id)
            .order_by(Quote.created_at.desc(), Quote.id.desc())
            .options(selectinload(Quote.lines))
        )
    )


def quote_search(status: str = ""):
    """Staff's list: newest first, optionally one stored status."""
    stmt = select(Quote).options(selectinload(Quote.lines), selectinload(Quote.customer))
    if status:
        stmt = stmt.where(Quote.status == status)
    return stmt.order_by(Quote.created_at.desc(), Quote.id.desc())


# ---------- Requesting ----------


def clean_message(message: str | None) -> str:
    text = (message or "").strip()
    if len(text) > MAX_MESSAGE_LENGTH:
        raise QuoteError(f"Meldingen kan ha maks {MAX_MESSAGE_LENGTH} tegn.")
    if "\x00" in text:
        raise QuoteError("Meldingen inneholder tegn vi ikke kan lagre.")
    return text


def request_quote(customer: User, lines: list[tuple[int, int]], message: str | None) -> Quote:
    """A requested quote for (product id, quantity) lines at the list prices of now. Does not
    commit; raises QuoteError. The caller queues the receipt with queue_request_received."""
    text = clean_message(message)
    if not lines:
        raise QuoteError("Handlekurven er tom. Legg noe i den før du ber om tilbud.")
    wanted: dict[int, int] = {}
    for product_id, quantity in lines:
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    products = {p.id: p for p in db.session.scalars(select(Product).where(Product.id.in_(wanted)))}
    quote = Quote(
        number=f"pending-{uuid.uuid4().hex[:12]}",
        customer_id=customer.id,
        status="requested",
        message=text,
        created_at=utcnow(),
    )
    for product_id in sorted(wanted):
        product = products.get(product_id)
        if product is None or not product.is_active or product.price_ore <= 0:
            title = product.title if product else "En av varene"
            raise QuoteError(f"«{title}» er ikke lenger til salgs. Fjern varen og prøv igjen.")
        quote.lines.append(
            QuoteLine(
                product_id=product.id,
                sku=product.sku,
                title=product.title,
                quantity=wanted[product_id],
                list_price_ore=product.price_ore,
                vat_scheme=product.vat_scheme,
            )
        )
    db.session.add(quote)
    db.session.flush()
    quote.number = quote_number(quote.id)
    db.session.flush()
    return quote


def queue_request_received(quote: Quote, *, quote_url: str) -> MailMessage:
    """The customer's receipt for a request (tilbudsforespørsel mottatt)."""
    return _queue(quote, "quote_request_received", quote_url=quote_url)


# ---------- Staff: price, issue, withdraw ----------


def check_unit_price(line: QuoteLine, price_ore: int) -> None:
    if price_ore <= 0:
        raise QuoteError(f"Prisen for «{line.title}» må være mer enn 0 kr.")
    if price_ore > line.list_price_ore:
        raise QuoteError(
            f"Prisen for «{line.title}» kan ikke være høyere enn listeprisen. "
            "Et tilbud kan bare gi rabatt."
        )


def check_valid_until(valid_until: date, today: date | None = None) -> None:
    today = today or oslo_today()
    if valid_until < today:
        raise QuoteError("Tilbudet må gjelde til i dag eller senere.")
    if valid_until > today + timedelta(days=MAX_VALID_DAYS):
        raise QuoteError(f"Tilbudet kan gjelde i høyst {MAX_VALID_DAYS} dager.")


def issue_quote(
    quote: Quote,
    prices: dict[int, int],
    valid_until: date,
    *,
    issued_by: User,
    quote_url: str,
) -> MailMessage:
    """Set every line's unit price ({line id: øre incl. MVA}) and the last valid day, mark the
    quote issued and queue the quote confirmation. Does not commit; raises QuoteError."""
    if quote.status != "requested":
        raise QuoteError(
            f"Bare forespurte tilbud kan utstedes. Tilbudet har status «{status_label(quote)}»."
        )
    if quote.customer is None:  # erased (R3.10): nobody to send it to
        raise QuoteError("Kunden er slettet, så tilbudet kan ikke utstedes.")
    check_valid_until(valid_until)
    for line in quote.lines:
        if line.id not in prices:
            raise QuoteError(f"Skriv inn en pris for «{line.title}».")
        check_unit_price(line, prices[line.id])
    for line in quote.lines:
        line.quoted_unit_price_ore = prices[line.id]
    quote.valid_until = valid_until
    quote.status = "issued"
    quote.issued_at = utcnow()
    quote.issued_by_id = issued_by.id
    db.session.flush()
    return _queue(quote, "quote_confirmation", quote_url=quote_url)


def withdraw_quote(quote: Quote) -> None:
    if quote.status not in OPEN_STATUSES:
        raise QuoteError(
            "Bare forespurte eller utstedte tilbud kan trekkes tilbake. "
            f"Tilbudet har status «{status_label(quote)}»."
        )
    _move(quote, from_statuses=OPEN_STATUSES, to="withdrawn")


# ---------- The customer: accept or decline ----------


def _check_open_offer(quote: Quote, today: date | None = None) -> None:
    status = status_of(quote, today)
    if status == "expired":
        raise QuoteError(
            "Tilbudet har gått ut og kan ikke lenger godtas. Ta kontakt, så ser vi på et nytt."
        )
    if status != "issued":
        raise QuoteError(
            f"Tilbudet kan ikke godtas eller avslås: det har status «{STATUS_LABELS[status]}»."
        )


def _buyer_details(customer: User, delivery_method: str) -> CheckoutDetails:
    needed = (customer.name, customer.phone, customer.street, customer.postcode, customer.city)
    business = customer.customer_type == "business"
    if not all(needed) or (business and not (customer.company_name and customer.org_number)):
        raise QuoteError(
            "Vi mangler navn, adresse eller telefonnummer på kontoen din, så vi kan ikke "
            "lage ordren. Ta kontakt med oss, så ordner vi det."
        )
    return CheckoutDetails(
        customer_type=customer.customer_type or "private",
        name=customer.name,
        email=customer.email,
        phone=customer.phone,
        street=customer.street,
        postcode=customer.postcode,
        city=customer.city,
        company_name=customer.company_name if business else None,
        org_number=customer.org_number if business else None,
        delivery_method=delivery_method,
        payment_method="invoice",
    )


def accept_quote(quote: Quote, customer: User, *, delivery_method: str) -> Order:
    """Place the order at the quoted prices and mark the quote accepted. Does not commit.

    Raises QuoteError (not open, expired, details missing) or orders.placing.SoldOut; the
    caller rolls back on either and the quote stays issued.
    """
    if quote.customer_id != customer.id:
        raise QuoteError("Tilbudet finnes ikke.")
    _check_open_offer(quote)
    if any(line.product_id is None for line in quote.lines):
        raise QuoteError("En av varene i tilbudet finnes ikke lenger. Ta kontakt med oss.")
    details = _buyer_details(customer, delivery_method)
    _move(quote, from_statuses=("issued",), to="accepted", accepted_at=utcnow())
    order = place_order(
        customer,
        [(line.product_id, line.quantity) for line in quote.lines],
        details,
        unit_prices={line.product_id: line.quoted_unit_price_ore for line in quote.lines},
    )
    db.session.execute(
        update(Quote)
        .where(Quote.id == quote.id)
        .values(order_id=order.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(quote)
    return order


def decline_quote(quote: Quote, customer: User) -> None:
    if quote.customer_id != customer.id:
        raise QuoteError("Tilbudet finnes ikke.")
    _check_open_offer(quote)
    _move(quote, from_statuses=("issued",), to="declined")


def _move(quote: Quote, *, from_statuses, to: str, **values) -> None:
    """Change the quote's status only if nobody changed it since we read it.

    Accepting, declining and withdrawing race each other (two tabs, a customer and staff at
    once): the conditional UPDATE waits on the row (PostgreSQL) or the write lock (SQLite)
    and the loser finds the quote no longer in the status it expected.
    """
    moved = db.session.execute(
        update(Quote)
        .where(Quote.id == quote.id, Quote.status.in_(tuple(from_statuses)))
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise QuoteError("Tilbudet er allerede behandlet.")
    db.session.refresh(quote, ["status"])


# ---------- Mail ----------


def _queue(quote: Quote, template: str, *, quote_url: str) -> MailMessage:
    return queue_mail(
        template,
        to=quote.customer.email,
        kind=template,
        reference=f"quote:{quote.id}",
        quote=quote,
        customer=quote.customer,
        quote_url=quote_url,
    )
