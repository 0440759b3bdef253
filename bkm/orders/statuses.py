"""Order statuses: English codes in the database, Norwegian labels for people."""

from __future__ import annotations

RECEIVED = "received"
CONFIRMED = "confirmed"
PARTIALLY_SHIPPED = "partially_shipped"
SHIPPED = "shipped"
PICKED_UP = "picked_up"
CANCELLED = "cancelled"

LABELS = {
    RECEIVED: "Mottatt",
    CONFIRMED: "Bekreftet",
    PARTIALLY_SHIPPED: "Delvis sendt",
    SHIPPED: "Sendt",
    PICKED_UP: "Hentet",
    CANCELLED: "Kansellert",
}
STATUSES = tuple(LABELS)

# Nothing more can be sent or handed over once an order is in one of these.
CLOSED = (SHIPPED, PICKED_UP, CANCELLED)


def label(status: str) -> str:
    return LABELS.get(status, status)
