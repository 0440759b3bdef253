"""The data map: every column of every table, classified once (DESIGN.md, privacy by design).

A table either holds nothing about a customer (`NOT_PERSONAL`, with the reason) or is a
`Table` whose rows belong to one customer through `owner`, with each column either personal
(a `Field`: what it is, why it is kept, on which legal basis, whether the customer gave it,
and what erasure does to it) or listed in `other` (ids, amounts, statuses: not about the
person by themselves). `tests/privacy/test_data_map.py` fails when a model gains a column or
table this map does not classify, so the export (R9.3, R9.4), erasure (R3.10, R9.5) and
retention (R3.9), which read it, never forget a side table.

Staff accounts are people too, but the rights served here are the customers'; columns that
name the staff member who did something (`issued_by_id`, `recorded_by_id` …) are `other`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Legal bases (GDPR art. 6 nr. 1), as the export's README and the privacy page name them.
BASES = {
    "contract": "Avtale: for å levere det kunden har bestilt (art. 6 nr. 1 b)",
    "legal_obligation": (
        "Rettslig plikt (art. 6 nr. 1 c): bokføringsloven, markedsføringsloven "
        "(Reservasjonsregisteret) og plikten til å kunne dokumentere samtykker (art. 7 nr. 1)"
    ),
    "consent": "Samtykke, som kan trekkes tilbake (art. 6 nr. 1 a)",
    "legitimate_interest": (
        "Berettiget interesse: drift, sikkerhet og kundeservice (art. 6 nr. 1 f)"
    ),
}

# How long a table's rows are kept; bkm/privacy/retention.py carries out the rules with dates.
RETENTION = {
    "account": "Så lenge kontoen finnes. Kontoer som aldri ble bekreftet, slettes etter 30 dager.",
    "order": "Til oppbevaringstiden for ordrens bilag er ute, deretter anonymiseres ordren "
    "(navn, adresse, e-post og telefon fjernes; varer, beløp og dato blir igjen til statistikk).",
    "primary_document": "Fakturaer og kreditnotaer: til 31. desember i det femte året etter "
    "dokumentåret (bokføringsloven § 13).",
    "secondary_document": "Ordrebekreftelser, pakksedler, tilbud og korrespondanse: 3 år og "
    "6 måneder etter utgangen av regnskapsåret (bokføringsloven § 13).",
    "until_withdrawn": "Til samtykket trekkes tilbake eller kontoen slettes.",
    "cart": "Til handlekurven kjøpes, tømmes eller kontoen slettes.",
    "mail": "Innholdet i sendte e-poster slettes når oppbevaringstiden for e-post er ute.",
    "proof": "Som dokumentasjon: samtykkeloggen så lenge samtykket gjelder og tre år etter at det "
    "tok slutt (foreldelsesfristen); ved sletting kuttes koblingen til kunden.",
    "erasure_fact": "Så lenge forholdet kan hindre sletting (misbruk 4 år, solgt gjeld 3 år, "
    "avslått kreditt 3 måneder), deretter slettes det sammen med kunden.",
}

# What erasure (R3.10) does to a table's rows that belong to the customer.
ON_ERASURE = {
    "delete": "slettes",
    "anonymise": "personopplysningene fjernes og koblingen til kunden kuttes; resten blir igjen",
    "detach": "koblingen til kunden kuttes; raden blir igjen uten personopplysninger",
    "keep": "beholdes uendret som regnskapsbilag til oppbevaringstiden er ute, uten kobling til "
    "kontoen",
}

# What happens to one personal column when its row is anonymised.
ERASE = ("blank", "keep")


@dataclass(frozen=True)
class Field:
    what: str  # Norwegian, as the export's README shows it
    purpose: str  # Norwegian
    basis: str  # a key of BASES
    provided: bool = False  # the customer gave it: part of the portability export (R9.3)
    secret: bool = False  # never leaves the shop, not even in the access export (password hash)
    erase: str = "blank"  # on anonymisation: "blank" it, or "keep" it (bookkeeping)


@dataclass(frozen=True)
class Owner:
    """How a row leads to its customer.

    `column` is on the row itself. With `via`, it is a foreign key followed through the
    listed (table, column) hops; the last column names the customer. With `by_email`, the
    column holds an e-mail address compared with the customer's (the mail outbox).
    """

    column: str
    via: tuple[tuple[str, str], ...] = ()
    by_email: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    about: str  # Norwegian: what one row is
    owner: Owner
    retention: str  # a key of RETENTION
    on_erasure: str  # a key of ON_ERASURE
    personal: dict[str, Field] = field(default_factory=dict)
    other: tuple[str, ...] | list[str] = ()


def _f(what, purpose, basis, **kw) -> Field:
    return Field(what, purpose, basis, **kw)


_CONTACT = "Levering, kontakt, kundeservice og ordreinformasjon"
_ACCOUNT = "Kundeforholdet og innlogging"
_BOOKS = "Regnskap og dokumentasjon av salget"

TABLES: tuple[Table, ...] = (
    Table(
        "users",
        "Kundekontoen",
        Owner("id"),
        "account",
        "delete",
        personal={
            "email": _f("E-postadresse", _CONTACT, "contract", provided=True),
            "name": _f("Navn (kontaktperson for bedrifter)", _CONTACT, "contract", provided=True),
            "phone": _f("Telefonnummer", _CONTACT, "contract", provided=True),
            "street": _f("Gateadresse", _CONTACT, "contract", provided=True),
            "postcode": _f("Postnummer", _CONTACT, "contract", provided=True),
            "city": _f("Poststed", _CONTACT, "contract", provided=True),
            "customer_type": _f("Privat- eller bedriftskunde", _ACCOUNT, "contract", provided=True),
            "company_name": _f("Firmanavn", _CONTACT, "contract", provided=True),
            "org_number": _f("Organisasjonsnummer", _BOOKS, "contract", provided=True),
            "password_hash": _f("Passord (bare som hash)", _ACCOUNT, "contract", secret=True),
            "created_at": _f("Når kontoen ble opprettet", _ACCOUNT, "contract"),
            "last_login_at": _f("Siste innlogging", "Sikkerhet", "legitimate_interest"),
            "email_verified_at": _f("Når e-postadressen ble bekreftet", _ACCOUNT, "contract"),
            "registration_channel": _f("Hvordan kontoen ble opprettet", _ACCOUNT, "contract"),
            "registered_by_id": _f(
                "Hvem hos oss som registrerte deg", _ACCOUNT, "legitimate_interest"
            ),
            "deceased_on": _f(
                "Dødsdato, når vi er kjent med den", "Sletteregler", "legal_obligation"
            ),
            "is_active_account": _f("Om kontoen er aktiv", _ACCOUNT, "contract"),
            "role": _f("Rolle (kunde)", _ACCOUNT, "contract"),
        },
        other=("id",),
    ),
    Table(
        "orders",
        "Bestillinger",
        Owner("customer_id"),
        "order",
        "anonymise",
        personal={
            "name": _f("Navn på bestillingen", _CONTACT, "contract", provided=True),
            "email": _f("E-post på bestillingen", _CONTACT, "contract", provided=True),
            "phone": _f("Telefon på bestillingen", _CONTACT, "contract", provided=True),
            "street": _f("Fakturaadresse", _CONTACT, "contract", provided=True),
            "postcode": _f("Postnummer", _CONTACT, "contract", provided=True),
            "city": _f("Poststed", _CONTACT, "contract", provided=True),
            "company_name": _f("Firmanavn", _CONTACT, "contract", provided=True),
            "org_number": _f("Organisasjonsnummer", _BOOKS, "contract", provided=True),
            "delivery_street": _f("Leveringsadresse", _CONTACT, "contract", provided=True),
            "delivery_postcode": _f("Postnummer for levering", _CONTACT, "contract", provided=True),
            "delivery_city": _f("Poststed for levering", _CONTACT, "contract", provided=True),
        },
        other=[
            "id",
            "number",
            "customer_id",
            "customer_type",
            "status",
            "delivery_method",
            "payment_method",
            "subtotal_ore",
            "shipping_ore",
            "total_ore",
            "vat_ore",
            "placed_at",
            "withdrawal_deadline_on",
            "anonymised_at",
        ],
    ),
    Table(
        "order_lines",
        "Varelinjer i bestillinger",
        Owner("order_id", via=(("orders", "customer_id"),)),
        "order",
        "keep",
        other=[
            "id",
            "order_id",
            "product_id",
            "sku",
            "title",
            "condition",
            "quantity",
            "unit_price_ore",
            "line_total_ore",
            "vat_ore",
            "vat_scheme",
        ],
    ),
    Table(
        "shipments",
        "Forsendelser",
        Owner("order_id", via=(("orders", "customer_id"),)),
        "order",
        "anonymise",
        personal={"note": _f("Merknad til forsendelsen", _CONTACT, "contract")},
        other=("id", "order_id", "shipped_at", "method", "tracking"),
    ),
    Table(
        "shipment_lines",
        "Varer i forsendelser",
        Owner("shipment_id", via=(("shipments", "order_id"), ("orders", "customer_id"))),
        "order",
        "keep",
        other=("id", "shipment_id", "order_line_id", "quantity"),
    ),
    Table(
        "order_deliveries",
        "Leveringsdato for bestillinger",
        Owner("order_id", via=(("orders", "customer_id"),)),
        "order",
        "keep",
        other=("order_id", "delivered_on", "recorded_at", "recorded_by_id"),
    ),
    Table(
        "issued_documents",
        "Ordrebekreftelser, pakksedler, fakturaer og kreditnotaer",
        Owner("order_id", via=(("orders", "customer_id"),)),
        "primary_document",
        "keep",
        personal={
            "snapshot": _f(
                "Dokumentets innhold, med kjøperens navn og adresse",
                _BOOKS,
                "legal_obligation",
                erase="keep",
            ),
            "pdf": _f("Dokumentet som PDF", _BOOKS, "legal_obligation", erase="keep"),
        },
        other=[
            "id",
            "kind",
            "series",
            "number",
            "display_number",
            "order_id",
            "shipment_id",
            "credits_document_id",
            "issued_at",
            "issued_by_id",
            "total_ore",
            "status",
            "voided_at",
            "voided_by_id",
            "void_reason",
            "kid",
            "due_on",
            "paid_at",
            "paid_by_id",
        ],
    ),
    Table(
        "quotes",
        "Tilbudsforespørsler og tilbud",
        Owner("customer_id"),
        "secondary_document",
        "anonymise",
        personal={
            "message": _f("Din melding med forespørselen", _CONTACT, "contract", provided=True)
        },
        other=[
            "id",
            "number",
            "customer_id",
            "status",
            "valid_until",
            "created_at",
            "issued_at",
            "issued_by_id",
            "accepted_at",
            "order_id",
        ],
    ),
    Table(
        "quote_lines",
        "Varelinjer i tilbud",
        Owner("quote_id", via=(("quotes", "customer_id"),)),
        "secondary_document",
        "keep",
        other=[
            "id",
            "quote_id",
            "product_id",
            "sku",
            "title",
            "quantity",
            "list_price_ore",
            "quoted_unit_price_ore",
            "vat_scheme",
        ],
    ),
    Table(
        "credit_notices",
        "Kredittmeldinger",
        Owner("customer_id"),
        "secondary_document",
        "anonymise",
        personal={"reason": _f("Begrunnelse for kreditten", _BOOKS, "contract")},
        other=("id", "customer_id", "order_id", "amount_ore", "created_at", "created_by_id"),
    ),
    Table(
        "cases",
        "Saker (reklamasjoner, angrerett, spørsmål og personvern)",
        Owner("customer_id"),
        "secondary_document",
        "anonymise",
        personal={"subject": _f("Emne", "Kundeservice", "contract", provided=True)},
        other=(
            "id",
            "number",
            "customer_id",
            "order_id",
            "kind",
            "status",
            "created_at",
            "closed_at",
        ),
    ),
    Table(
        "case_messages",
        "Meldinger i saker",
        Owner("case_id", via=(("cases", "customer_id"),)),
        "secondary_document",
        "anonymise",
        personal={"body": _f("Meldingstekst", "Kundeservice", "contract", provided=True)},
        other=("id", "case_id", "author_id", "from_staff", "created_at"),
    ),
    Table(
        "carts",
        "Handlekurven",
        Owner("user_id"),
        "cart",
        "delete",
        personal={"token": _f("Handlekurvens nøkkel", _ACCOUNT, "contract", secret=True)},
        other=("id", "user_id", "created_at", "updated_at"),
    ),
    Table(
        "cart_lines",
        "Varer i handlekurven",
        Owner("cart_id", via=(("carts", "user_id"),)),
        "cart",
        "delete",
        other=("id", "cart_id", "product_id", "quantity", "added_at"),
    ),
    Table(
        "stock_holds",
        "Varer holdt av i kassen",
        Owner("cart_id", via=(("carts", "user_id"),)),
        "cart",
        "delete",
        other=("id", "cart_id", "product_id", "quantity", "expires_at"),
    ),
    Table(
        "consent_records",
        "Samtykkeloggen: hva du har svart, og når",
        Owner("user_id"),
        "proof",
        "detach",
        personal={
            "consent_id": _f(
                "Samtykke-ID for nettleseren",
                "Dokumentasjon av samtykker",
                "legal_obligation",
                provided=True,
            )
        },
        other=(
            "id",
            "action",
            "granted",
            "refused",
            "policy_version",
            "text_digest",
            "channel",
            "at",
            "user_id",
        ),
    ),
    Table(
        "contact_preferences",
        "Telefonsalg og kataloger: ditt svar",
        Owner("user_id"),
        "until_withdrawn",
        "delete",
        personal={
            "calls_allowed": _f("Telefonsalg tillatt", "Markedsføring", "consent", provided=True),
            "calls_set_at": _f("Når du svarte om telefonsalg", "Markedsføring", "consent"),
            "calls_source": _f("Hvor du svarte om telefonsalg", "Markedsføring", "consent"),
            "catalogues_allowed": _f(
                "Kataloger tillatt", "Markedsføring", "consent", provided=True
            ),
            "catalogues_set_at": _f("Når du svarte om kataloger", "Markedsføring", "consent"),
            "catalogues_source": _f("Hvor du svarte om kataloger", "Markedsføring", "consent"),
            "reserved": _f(
                "Reservert i Reservasjonsregisteret", "Markedsføring", "legal_obligation"
            ),
            "reserved_checked_on": _f(
                "Når Reservasjonsregisteret ble sjekket", "Markedsføring", "legal_obligation"
            ),
        },
        other=("user_id",),
    ),
    Table(
        "newsletter_subscriptions",
        "Nyhetsbrevet",
        Owner("user_id"),
        "until_withdrawn",
        "delete",
        personal={
            "status": _f(
                "Påmeldt eller venter på bekreftelse", "Nyhetsbrev", "consent", provided=True
            ),
            "source": _f("Hvor du meldte deg på", "Nyhetsbrev", "consent"),
            "requested_at": _f("Når du meldte deg på", "Nyhetsbrev", "consent"),
            "confirmed_at": _f("Når du bekreftet påmeldingen", "Nyhetsbrev", "consent"),
        },
        other=("id", "user_id"),
    ),
    Table(
        "newsletter_recipients",
        "Nyhetsbrev sendt til deg",
        Owner("user_id"),
        "until_withdrawn",
        "delete",
        other=("id", "newsletter_id", "user_id", "status", "mail_id", "sent_at"),
    ),
    Table(
        "personal_interests",
        "Interesseprofil for personlig innhold",
        Owner("user_id"),
        "until_withdrawn",
        "delete",
        personal={
            "kind": _f("Kategori eller merke", "Personlig innhold", "consent"),
            "key": _f("Hvilken kategori eller hvilket merke", "Personlig innhold", "consent"),
            "score": _f("Hvor sterk interessen er", "Personlig innhold", "consent"),
            "updated_at": _f("Sist oppdatert", "Personlig innhold", "consent"),
        },
        other=("id", "user_id"),
    ),
    Table(
        "audit_log",
        "Hvem hos oss som har sett opplysningene dine, og hvorfor",
        Owner("subject_user_id"),
        "proof",
        "detach",
        other=(
            "id",
            "at",
            "actor_id",
            "subject_user_id",
            "action",
            "target",
            "actor_role",
            "reason",
        ),
    ),
    Table(
        "mail_outbox",
        "E-poster vi har sendt deg",
        Owner("recipient", by_email=True),
        "mail",
        "delete",
        personal={
            "recipient": _f("Mottakeradresse", _CONTACT, "contract"),
            "subject": _f("Emne", _CONTACT, "contract"),
            "text_body": _f("Innhold (tekst)", _CONTACT, "contract"),
            "html_body": _f("Innhold (HTML)", _CONTACT, "contract"),
            "headers": _f("E-posthoder", _CONTACT, "contract"),
            "last_error": _f("Feilmelding ved sending", "Drift", "legitimate_interest"),
        },
        other=(
            "id",
            "kind",
            "message_id",
            "reference",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "claimed_at",
            "sent_at",
        ),
    ),
    Table(
        "mail_attachments",
        "Vedlegg til e-poster",
        Owner("message_id", via=(("mail_outbox", "recipient"),), by_email=True),
        "mail",
        "delete",
        personal={"content": _f("Vedlegget", _CONTACT, "contract")},
        other=("id", "message_id", "filename", "content_type"),
    ),
    Table(
        "privacy_access_requests",
        "Innsynsforespørsler",
        Owner("user_id"),
        "proof",
        "detach",
        other=(
            "id",
            "user_id",
            "channel",
            "received_at",
            "due_on",
            "registered_by_id",
            "sent_at",
            "downloaded_at",
        ),
    ),
    Table(
        "privacy_misuse_incidents",
        "Registrert misbruk eller mistanke om misbruk",
        Owner("user_id"),
        "erasure_fact",
        "delete",
        personal={
            "status": _f(
                "Mistanke eller misbruk", "Sletteregler og sikkerhet", "legitimate_interest"
            ),
            "occurred_on": _f(
                "Når det skjedde", "Sletteregler og sikkerhet", "legitimate_interest"
            ),
            "description": _f("Beskrivelse", "Sletteregler og sikkerhet", "legitimate_interest"),
        },
        other=("id", "user_id", "recorded_at", "recorded_by_id"),
    ),
    Table(
        "privacy_debt_sales",
        "Gjeld solgt til inkasso",
        Owner("user_id"),
        "erasure_fact",
        "delete",
        personal={
            "sold_on": _f("Når gjelden ble solgt", "Sletteregler", "legal_obligation"),
            "buyer": _f("Hvem som kjøpte kravet", "Sletteregler", "legal_obligation"),
            "amount_ore": _f("Beløp", "Sletteregler", "legal_obligation"),
        },
        other=("id", "user_id", "recorded_at", "recorded_by_id"),
    ),
    Table(
        "privacy_credit_decisions",
        "Kredittsøknader og svar",
        Owner("user_id"),
        "erasure_fact",
        "delete",
        personal={
            "decided_on": _f("Når søknaden ble avgjort", "Sletteregler", "legitimate_interest"),
            "outcome": _f("Innvilget eller avslått", "Sletteregler", "legitimate_interest"),
        },
        other=("id", "user_id", "recorded_at", "recorded_by_id"),
    ),
)

# Tables that hold nothing about a customer, and why.
NOT_PERSONAL = {
    "categories": "the catalogue",
    "products": "the catalogue",
    "product_images": "the catalogue",
    "price_changes": "the catalogue's price history",
    "document_series": "the next number of each document series",
    "click_events": "anonymous by construction: no customer id, truncated IP, random visitor id",
    "click_page_counts": "cookieless daily counts",
    "newsletters": "the newsletters staff write (who got one is newsletter_recipients)",
    "newsletter_products": "products shown in a newsletter",
    "offers": "offers staff write",
    "offer_categories": "categories an offer covers",
    "offer_products": "products an offer covers",
    "policy_versions": "the privacy statement's versions",
    "processors": "the processors register",
}
NOT_PERSONAL_PREFIXES = {
    "analytics_": "the statistics' rollups: counts without visitor ids, small groups suppressed",
}

BY_NAME = {table.name: table for table in TABLES}


def is_not_personal(table_name: str) -> bool:
    return table_name in NOT_PERSONAL or table_name.startswith(tuple(NOT_PERSONAL_PREFIXES))
