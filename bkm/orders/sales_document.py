"""Sales documents as immutable snapshots: what an order confirmation, packing slip, invoice or
credit note says, and the sums on it. No database here; the orders code builds these from its
rows and stores the snapshot (and the rendered PDF) when it issues a number.

Rules (shared/research/norwegian-legal-requirements.md §§ 1.2–1.4, bokføringsforskriften § 5-1-1):
the seller line "Org.nr … MVA" plus "Foretaksregisteret", buyer name and address, delivery time and
place, each line's kind and quantity, the price, the due date, and the MVA in NOK per rate. Lines
sold under the margin scheme (avansesystemet) show no MVA and the document says so, including that
the buyer cannot deduct input VAT. A credit note names the invoice it credits and shows its amounts
as negatives. Amounts are integer øre, gross (including MVA), and MVA is rounded per line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bkm.money import VAT_RATE_PERCENT, vat_part_ore
from bkm.orders.kid import is_valid_kid
from bkm.templating import COMPANY

# Not the shop's account: a made-up number whose MOD11 check digit is wrong on purpose, so it can
# never receive money. Production passes the real account from config (see SalesDocument).
PLACEHOLDER_BANK_ACCOUNT = "1503.12.34567"

MARGIN_SCHEME_MARK = "*"
MARGIN_SCHEME_TEXT = (
    f"{MARGIN_SCHEME_MARK} Brukte varer solgt etter avansesystemet for merverdiavgift. "
    "Merverdiavgiften er beregnet av forhandlerens avanse og spesifiseres ikke på dokumentet. "
    "Kjøper har ikke rett til fradrag for inngående merverdiavgift på disse varene."
)
VAT_RATES = (VAT_RATE_PERCENT, 0)


class DocumentKind(StrEnum):
    ORDER_CONFIRMATION = "order_confirmation"
    PACKING_SLIP = "packing_slip"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"

    @property
    def title(self) -> str:
        return _TITLES[self]

    @property
    def shows_prices(self) -> bool:
        """A packing slip travels with the goods (perhaps to someone else): no prices on it."""
        return self is not DocumentKind.PACKING_SLIP


_TITLES = {
    DocumentKind.ORDER_CONFIRMATION: "Ordrebekreftelse",
    DocumentKind.PACKING_SLIP: "Pakkseddel / leveringsinformasjon",
    DocumentKind.INVOICE: "Faktura",
    DocumentKind.CREDIT_NOTE: "Kreditnota",
}


class VatScheme(StrEnum):
    STANDARD = "standard"
    MARGIN = "margin"


@dataclass(frozen=True)
class Party:
    name: str
    street: str
    postcode: str
    city: str
    org_number: str | None = None
    email: str | None = None
    phone: str | None = None
    vat_registered: bool = False  # prints "MVA" after the org.nr
    in_foretaksregisteret: bool = False  # an AS prints "Foretaksregisteret"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a party needs a name")

    @property
    def org_line(self) -> str | None:
        """'Org.nr 974 408 597 MVA' (the "MVA" only when VAT-registered)."""
        if not self.org_number:
            return None
        return f"Org.nr {self.org_number}{' MVA' if self.vat_registered else ''}"

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(line for line in (self.street, f"{self.postcode} {self.city}".strip()) if line)


SHOP = Party(
    name=COMPANY["name"],
    street=COMPANY["street"],
    postcode=COMPANY["postcode"],
    city=COMPANY["city"],
    org_number=COMPANY["org_number"],
    email=COMPANY["email"],
    phone=COMPANY["phone"],
    vat_registered=True,
    in_foretaksregisteret=True,
)


@dataclass(frozen=True)
class DocumentLine:
    description: str
    sku: str
    condition: str
    quantity: int
    unit_price_ore: int  # gross, including MVA (or, on margin lines, the margin's MVA)
    vat_scheme: VatScheme = VatScheme.STANDARD
    vat_rate_percent: int = VAT_RATE_PERCENT  # ignored on margin lines: they show no MVA

    def __post_init__(self) -> None:
        object.__setattr__(self, "vat_scheme", VatScheme(self.vat_scheme))
        if not self.description.strip():
            raise ValueError("a line needs a description of the goods")
        if not isinstance(self.quantity, int) or self.quantity <= 0:
            raise ValueError(f"quantity must be a positive whole number, not {self.quantity!r}")
        if not isinstance(self.unit_price_ore, int) or self.unit_price_ore < 0:
            raise ValueError(f"unit price must be whole øre ≥ 0, not {self.unit_price_ore!r}")
        if self.vat_rate_percent not in VAT_RATES:
            raise ValueError(f"VAT rate must be one of {VAT_RATES}, not {self.vat_rate_percent}")

    @property
    def is_margin(self) -> bool:
        return self.vat_scheme is VatScheme.MARGIN

    @property
    def amount_ore(self) -> int:
        return self.quantity * self.unit_price_ore

    @property
    def vat_ore(self) -> int:
        """The MVA shown for this line: none on margin lines or at 0 %."""
        if self.is_margin or self.vat_rate_percent == 0:
            return 0
        return vat_part_ore(self.amount_ore)


@dataclass(frozen=True)
class VatGroup:
    """One row of the VAT summary. Margin rows have no rate, base or MVA: those are not shown."""

    scheme: VatScheme
    rate_percent: int | None
    net_ore: int | None
    vat_ore: int | None
    gross_ore: int

    @property
    def label(self) -> str:
        if self.scheme is VatScheme.MARGIN:
            return f"Avansesystemet {MARGIN_SCHEME_MARK}"
        return f"MVA {self.rate_percent} %"


@dataclass(frozen=True)
class SalesDocument:
    kind: DocumentKind
    number: str
    issued_on: date
    buyer: Party
    lines: tuple[DocumentLine, ...]
    seller: Party = SHOP
    delivery_on: date | None = None
    delivery_place: str | None = None
    due_on: date | None = None
    kid: str | None = None
    bank_account: str = PLACEHOLDER_BANK_ACCOUNT
    credits_number: str | None = None
    order_number: str | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DocumentKind(self.kind))
        object.__setattr__(self, "lines", tuple(self.lines))
        if errors := self.problems():
            raise ValueError("; ".join(errors))

    def snapshot(self) -> dict[str, Any]:
        """Plain JSON-able data: store it with the issued number, rebuild with from_snapshot."""
        data = asdict(self)
        for key in ("issued_on", "delivery_on", "due_on"):
            data[key] = data[key] and data[key].isoformat()
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> SalesDocument:
        values = dict(data)
        for key in ("issued_on", "delivery_on", "due_on"):
            values[key] = values.get(key) and date.fromisoformat(values[key])
        values["seller"] = Party(**values["seller"])
        values["buyer"] = Party(**values["buyer"])
        values["lines"] = tuple(DocumentLine(**line) for line in values["lines"])
        return cls(**values)

    def problems(self) -> list[str]:
        errors = []
        if not self.number.strip():
            errors.append("a document needs a number")
        if not self.lines:
            errors.append("a document needs at least one line")
        if self.kind is DocumentKind.INVOICE:
            if self.due_on is None:
                errors.append("an invoice needs a due date")
            elif self.due_on < self.issued_on:
                errors.append("the due date is before the invoice date")
            if not self.kid or not is_valid_kid(self.kid):
                errors.append(f"an invoice needs a valid KID, not {self.kid!r}")
            if self.delivery_on is None or not (self.delivery_place or "").strip():
                errors.append("an invoice needs the time and place of delivery")
        if self.kind is DocumentKind.CREDIT_NOTE:
            if not (self.credits_number or "").strip():
                errors.append("a credit note needs the number of the invoice it credits")
            elif _digits_of(self.number) in {_digits_of(self.credits_number)} - {""}:
                errors.append("a credit note may not reuse the invoice's number")
        elif self.credits_number is not None:
            errors.append("only a credit note credits an invoice")
        return errors

    # Sums: signed, so a credit note's are negative.

    @property
    def sign(self) -> int:
        return -1 if self.kind is DocumentKind.CREDIT_NOTE else 1

    def line_amount_ore(self, line: DocumentLine) -> int:
        return self.sign * line.amount_ore

    def unit_price_ore(self, line: DocumentLine) -> int:
        return self.sign * line.unit_price_ore

    @property
    def total_ore(self) -> int:
        return self.sign * sum(line.amount_ore for line in self.lines)

    @property
    def vat_ore(self) -> int:
        return self.sign * sum(line.vat_ore for line in self.lines)

    @property
    def net_total_ore(self) -> int:
        """The total without the MVA shown; margin lines count in full (their MVA is hidden)."""
        return self.total_ore - self.vat_ore

    @property
    def vat_by_rate(self) -> dict[int, int]:
        """MVA in øre per rate, standard-scheme lines only."""
        return {g.rate_percent: g.vat_ore for g in self.vat_summary if g.rate_percent is not None}

    @property
    def vat_summary(self) -> tuple[VatGroup, ...]:
        groups = []
        for rate in VAT_RATES:
            at_rate = [li for li in self.lines if not li.is_margin and li.vat_rate_percent == rate]
            if at_rate:
                gross = self.sign * sum(li.amount_ore for li in at_rate)
                vat = self.sign * sum(li.vat_ore for li in at_rate)
                groups.append(VatGroup(VatScheme.STANDARD, rate, gross - vat, vat, gross))
        if margin := [li for li in self.lines if li.is_margin]:
            gross = self.sign * sum(li.amount_ore for li in margin)
            groups.append(VatGroup(VatScheme.MARGIN, None, None, None, gross))
        return tuple(groups)

    @property
    def uses_margin_scheme(self) -> bool:
        return any(line.is_margin for line in self.lines)

    @property
    def has_standard_lines(self) -> bool:
        return any(not line.is_margin for line in self.lines)

    @property
    def margin_scheme_text(self) -> str | None:
        return MARGIN_SCHEME_TEXT if self.uses_margin_scheme else None

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def credit_reference(self) -> str | None:
        if self.kind is not DocumentKind.CREDIT_NOTE:
            return None
        return f"Krediterer faktura nr. {self.credits_number}"

    @property
    def bank_account_is_placeholder(self) -> bool:
        return self.bank_account == PLACEHOLDER_BANK_ACCOUNT


def _digits_of(text: str | None) -> str:
    return "".join(c for c in text or "" if c.isdigit()).lstrip("0")
