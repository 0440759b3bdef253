"""Norwegian names for the codes the rollups store."""

from __future__ import annotations

PAGE_TYPES = {
    "front": "Forside",
    "category": "Kategori",
    "product": "Vare",
    "search": "Søk",
    "info": "Informasjon",
    "cart": "Handlekurv",
    "checkout": "Kasse",
    "": "Annen side",
}
DEVICES = {"computer": "Datamaskin", "mobile": "Mobil", "tablet": "Nettbrett", "bot": "Robot"}
CHANNELS = {
    "direct": "Direkte",
    "search": "Søkemotor",
    "referral": "Lenke fra andre nettsteder",
    "campaign": "Kampanje (UTM)",
}
VISIT_NUMBERS = {
    1: "1. besøk (ny)",
    2: "2. besøk",
    3: "3. besøk",
    4: "4. besøk",
    5: "5. eller senere",
}
DAYS_SINCE = {
    0: "Samme dag",
    1: "1 dag",
    2: "2–3 dager",
    4: "4–7 dager",
    8: "8–14 dager",
    15: "15–30 dager",
    31: "31–90 dager",
    91: "Over 90 dager",
}
UNKNOWN = "Ukjent"
DELETED_PRODUCT = "Slettet vare"
NO_CATEGORY = "Uten kategori"


def page_type(code: str) -> str:
    return PAGE_TYPES.get(code, code)


def device(code: str) -> str:
    return DEVICES.get(code, code or UNKNOWN)


def channel(code: str) -> str:
    return CHANNELS.get(code, code)


def text_or_unknown(value: str) -> str:
    return value or UNKNOWN
