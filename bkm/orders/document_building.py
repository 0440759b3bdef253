"""Building the SalesDocument of each kind from an order's rows (or an invoice's snapshot).

Pure: no database writes, no numbers taken, nothing stored or mailed; bkm.orders.documents
takes the number, builds the document here, and issues it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bkm.catalog.models import CONDITION_GRADES
from bkm.clock import to_oslo
from bkm.orders.kid import make_kid
from bkm.orders.models import Order, OrderLine, Shipment
from bkm.orders.sales_document import DocumentKind, DocumentLine, Party, SalesDocument
from bkm.orders.statuses import PARTIALLY_SHIPPED
from bkm.templating import COMPANY

WAREHOUSE = f"{COMPANY['street']}, {COMPANY['postcode']} {COMPANY['city']}"
PICKED_UP_PLACE = f"Hentet på lageret, {WAREHOUSE}"
PICKUP_PLACE = f"Hentes på lageret, {WAREHOUSE}"
SHIPPING_SKU = "FRAKT"
SHIPPING_DESCRIPTION = "Frakt og levering"
PARTLY_DELIVERED_NOTE = "Delvis levert: resten av varene leveres senere."


def order_confirmation_document(order: Order, *, issued_at: datetime) -> SalesDocument:
    """The order confirmation, numbered like its order."""
    lines = [_line(line, line.quantity) for line in order.lines] + _shipping_lines(order)
    return SalesDocument(
        kind=DocumentKind.ORDER_CONFIRMATION,
        number=str(order.id),
        issued_on=oslo_day(issued_at),
        buyer=buyer_of(order),
        lines=tuple(lines),
        delivery_place=_planned_place(order),
        order_number=order.number,
    )


def packing_slip_document(shipment: Shipment, *, number: int, issued_at: datetime) -> SalesDocument:
    """The packing slip / delivery information of one shipment."""
    order = shipment.order
    lines = [_line(part.order_line, part.quantity) for part in shipment.lines]
    return SalesDocument(
        kind=DocumentKind.PACKING_SLIP,
        number=str(number),
        issued_on=oslo_day(issued_at),
        buyer=buyer_of(order),
        lines=tuple(lines),
        delivery_on=oslo_day(shipment.shipped_at),
        delivery_place=_delivered_place(order, shipment),
        order_number=order.number,
        notes=_shipment_note(shipment),
    )


def invoice_document(
    order: Order, *, number: int, issued_at: datetime, due_days: int, bank_account: str
) -> SalesDocument:
    """The invoice for the whole order, delivered (in part at least) by its last shipment."""
    issued_on = oslo_day(issued_at)
    last = max(order.shipments, key=lambda shipment: shipment.shipped_at)
    lines = [_line(line, line.quantity) for line in order.lines] + _shipping_lines(order)
    return SalesDocument(
        kind=DocumentKind.INVOICE,
        number=str(number),
        issued_on=issued_on,
        buyer=buyer_of(order),
        lines=tuple(lines),
        delivery_on=oslo_day(last.shipped_at),
        delivery_place=_delivered_place(order, last),
        due_on=issued_on + timedelta(days=due_days),
        kid=make_kid(number),
        bank_account=bank_account,
        order_number=order.number,
        notes=PARTLY_DELIVERED_NOTE if order.status == PARTIALLY_SHIPPED else None,
    )


def credit_note_document(
    original: SalesDocument,
    lines: list[DocumentLine],
    *,
    number: int,
    issued_at: datetime,
    credits_number: str,
    reason: str,
) -> SalesDocument:
    """A credit note for `lines` of the invoice whose document is `original`."""
    return SalesDocument(
        kind=DocumentKind.CREDIT_NOTE,
        number=str(number),
        issued_on=oslo_day(issued_at),
        buyer=original.buyer,
        lines=tuple(lines),
        delivery_on=original.delivery_on,
        delivery_place=original.delivery_place,
        credits_number=credits_number,
        order_number=original.order_number,
        notes=reason,
    )


def buyer_of(order: Order) -> Party:
    business = bool(order.company_name)
    return Party(
        name=order.company_name if business else order.name,
        street=order.street,
        postcode=order.postcode,
        city=order.city,
        org_number=order.org_number if business else None,
        email=order.email,
    )


def oslo_day(moment: datetime) -> date:
    return to_oslo(moment).date()


def _line(line: OrderLine, quantity: int) -> DocumentLine:
    grade = CONDITION_GRADES.get(line.condition)
    return DocumentLine(
        description=line.title,
        sku=line.sku,
        condition=grade[0] if grade else line.condition,
        quantity=quantity,
        unit_price_ore=line.unit_price_ore,
        vat_scheme=line.vat_scheme,
    )


def _shipping_lines(order: Order) -> list[DocumentLine]:
    if not order.shipping_ore:
        return []
    return [DocumentLine(SHIPPING_DESCRIPTION, SHIPPING_SKU, "–", 1, order.shipping_ore)]


def _address(order: Order) -> str:
    return f"{order.delivery_street}, {order.delivery_postcode} {order.delivery_city}"


def _planned_place(order: Order) -> str:
    return PICKUP_PLACE if order.delivery_method == "pickup" else _address(order)


def _delivered_place(order: Order, shipment: Shipment) -> str:
    if shipment.method == "pickup" or order.delivery_method == "pickup":
        return PICKED_UP_PLACE
    return _address(order)


def _shipment_note(shipment: Shipment) -> str | None:
    parts = []
    if shipment.method not in ("pickup", "delivery"):
        parts.append(f"Sendt med {shipment.method}")
    if shipment.tracking:
        parts.append(f"sporingsnummer {shipment.tracking}")
    return ", ".join(parts) + "." if parts else None
