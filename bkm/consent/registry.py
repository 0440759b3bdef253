"""The one registry of consent purposes and of every cookie the shop can set.

Everything that asks for, stores, checks or explains consent reads it from here: the banner,
the settings page, the privacy page's cookie declaration, the server that expires cookies
on withdrawal, and the test that checks every Set-Cookie header against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

NECESSARY = "necessary"
STATISTICS = "statistics"
PERSONALISATION = "personalisation"
MARKETING = "marketing"
NEWSLETTER = "newsletter"
SALES_CALLS = "sales_calls"
CATALOGUES = "catalogues"

CHOICE_LIFETIME = timedelta(days=365)  # then the banner asks again


@dataclass(frozen=True)
class Purpose:
    key: str
    name: str
    what: str  # what is collected
    by_whom: str  # who collects and receives it
    why: str
    optional: bool = True
    needs_setting: str | None = None  # offered only when this setting is configured
    in_banner: bool = True  # False: asked for with its own box where it applies (newsletter)


@dataclass(frozen=True)
class CookieDeclaration:
    name: str
    purpose: str
    lifetime: str  # for people, in Norwegian
    description: str
    set_by: str = "Brukte Kontormøbler AS"
    prefix: bool = False  # the name is a prefix (Google's per-property cookies)

    def matches(self, cookie_name: str) -> bool:
        return cookie_name.startswith(self.name) if self.prefix else cookie_name == self.name


PURPOSES: tuple[Purpose, ...] = (
    Purpose(
        key=NECESSARY,
        name="Nødvendige",
        what="Innlogging, handlekurv, beskyttelse mot forfalskede skjema og valget du gjør her.",
        by_whom="Bare oss.",
        why="Uten dem kan du ikke logge inn, handle eller lagre valget ditt. De brukes alltid.",
        optional=False,
    ),
    Purpose(
        key=STATISTICS,
        name="Statistikk",
        what=(
            "Sidene, kategoriene og varene du ser på, hvor lenge, enhetstype, operativsystem og "
            "nettleser, sammen med en tilfeldig besøks-ID som kjenner igjen nettleseren din ved "
            "neste besøk. IP-adressen kortes ned før noe lagres."
        ),
        by_whom="Bare oss. Ingen andre får dataene.",
        why=(
            "For å se hvordan butikken brukes og gjøre den bedre. Statistikken kobles aldri til "
            "navnet ditt."
        ),
    ),
    Purpose(
        key=PERSONALISATION,
        name="Personlig innhold",
        what=(
            "For innloggede kunder: hvilke kategorier og merker du ser på og kjøper, lagret i "
            "kundekontoen din."
        ),
        by_whom="Bare oss.",
        why=(
            "For å vise deg varer som passer deg på forsiden og gi deg tilbud basert på det du "
            "har kjøpt før. Uten samtykke er forsiden lik for alle."
        ),
    ),
    Purpose(
        key=MARKETING,
        name="Markedsføring og Google Analytics",
        what=(
            "Hvilke sider du besøker og hvor du kom fra, med informasjonskapsler fra Google. "
            "IP-adressen anonymiseres før den sendes."
        ),
        by_whom="Google Ireland Ltd., som vår databehandler.",
        why="For å se hvor besøkende kommer fra og hvor ofte de kommer tilbake.",
        needs_setting="GA_MEASUREMENT_ID",
    ),
    Purpose(
        key=NEWSLETTER,
        name="Nyhetsbrev",
        what="E-postadressen din og at du har bekreftet at du vil ha nyhetsbrevet.",
        by_whom="Bare oss.",
        why=(
            "For å sende deg nyheter og tilbud på e-post. Du melder deg av med lenken nederst i "
            "hvert nyhetsbrev eller på Min side."
        ),
        in_banner=False,
    ),
    Purpose(
        key=SALES_CALLS,
        name="Telefonsalg",
        what="Navnet og telefonnummeret ditt, og at du har sagt ja til å bli ringt.",
        by_whom="Bare oss.",
        why="For å ringe deg med tilbud, bare hverdager kl. 09–21.",
        in_banner=False,
    ),
    Purpose(
        key=CATALOGUES,
        name="Kataloger i posten",
        what="Navnet og postadressen din, og at du har sagt ja til kataloger.",
        by_whom="Bare oss, og trykkeriet eller Posten som sender katalogen.",
        why="For å sende deg kataloger og tilbud i posten.",
        in_banner=False,
    ),
)

COOKIES: tuple[CookieDeclaration, ...] = (
    CookieDeclaration(
        name="session",
        purpose=NECESSARY,
        lifetime="Til nettleseren lukkes",
        description=(
            "Holder innloggingen og handlekurven din, og en nøkkel som beskytter skjemaene mot "
            "forfalskning."
        ),
    ),
    CookieDeclaration(
        name="remember_token",
        purpose=NECESSARY,
        lifetime="365 dager",
        description="Holder deg innlogget når du har krysset av for «Husk meg».",
    ),
    CookieDeclaration(
        name="bkm_samtykke",
        purpose=NECESSARY,
        lifetime="12 måneder",
        description="Husker valget ditt om informasjonskapsler, slik at vi ikke spør på hver side.",
    ),
    CookieDeclaration(
        name="bkm_besok",
        purpose=STATISTICS,
        lifetime="12 måneder",
        description=(
            "En tilfeldig besøks-ID som kjenner igjen nettleseren din mellom besøk. Den kobles "
            "aldri til navnet ditt."
        ),
    ),
    CookieDeclaration(
        name="bkm_okt",
        purpose=STATISTICS,
        lifetime="30 minutter etter siste side",
        description=(
            "Holder sammen sidene i ett besøk, så vi ser hvor mange sider et besøk har og hvor "
            "lenge det varer."
        ),
    ),
    CookieDeclaration(
        name="_ga",
        purpose=MARKETING,
        lifetime="2 år",
        description="Google Analytics: skiller besøkende fra hverandre.",
        set_by="Google",
    ),
    CookieDeclaration(
        name="_ga_",
        purpose=MARKETING,
        lifetime="2 år",
        description="Google Analytics: holder rede på besøket.",
        set_by="Google",
        prefix=True,
    ),
)

CHOICE_COOKIE = "bkm_samtykke"
VISITOR_COOKIE = "bkm_besok"

_PURPOSE_BY_KEY = {purpose.key: purpose for purpose in PURPOSES}
# Purposes asked with their own box (newsletter, sales calls, catalogues): their ledger rows
# hold just that one key, and they are not answers to the banner or the statement.
OWN_BOX_PURPOSES = tuple(p.key for p in PURPOSES if not p.in_banner)


def purpose(key: str) -> Purpose:
    return _PURPOSE_BY_KEY[key]


def offered_purposes(config: Mapping) -> tuple[Purpose, ...]:
    """The optional purposes this shop asks about (marketing only when GA is configured)."""
    return tuple(
        p
        for p in PURPOSES
        if p.optional and p.in_banner and (p.needs_setting is None or config.get(p.needs_setting))
    )


def cookies_for(purposes: Iterable[str]) -> tuple[CookieDeclaration, ...]:
    wanted = set(purposes)
    return tuple(cookie for cookie in COOKIES if cookie.purpose in wanted)


def declaration_of(cookie_name: str) -> CookieDeclaration | None:
    """The registry's entry for a cookie name; exact names win over prefixes."""
    exact = [c for c in COOKIES if not c.prefix and c.matches(cookie_name)]
    return (exact or [c for c in COOKIES if c.matches(cookie_name)] or [None])[0]
