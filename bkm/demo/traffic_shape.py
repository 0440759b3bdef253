"""The shape of the demo traffic: when people come, with what, from where, and what they say.

Plain data and small pure functions, shared by the demo traffic generator (traffic.py) and
the analytics benchmark's bulk data (bench/analytics_data.py), so both look alike. The figures
are a Norwegian used-office-furniture shop's plausible guesses, not measurements: busy on
weekday office hours, quiet in July (fellesferien), at Christmas, Easter and on public
holidays; buyers are offices as often as homes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

# --- when ----------------------------------------------------------------------------------

WEEKDAY = (1.15, 1.15, 1.10, 1.05, 0.90, 0.60, 0.70)  # Monday first
MONTH = (1.15, 1.05, 1.05, 0.95, 0.95, 0.90, 0.55, 1.15, 1.10, 1.05, 1.00, 0.85)
HOLIDAY = 0.5  # a public holiday is a quiet Sunday
CHRISTMAS = 0.45  # 22 December to 1 January
# Visits per Oslo hour, 0-23: office hours on weekdays, late mornings and evenings at weekends.
# fmt: off
WEEKDAY_HOURS = (0.3, 0.15, 0.1, 0.08, 0.08, 0.15, 0.5, 1.2, 2.4, 3.2, 3.4, 3.2,
                 2.9, 3.2, 3.1, 2.6, 1.9, 1.5, 1.5, 1.8, 2.0, 1.8, 1.1, 0.6)
WEEKEND_HOURS = (0.4, 0.25, 0.12, 0.08, 0.08, 0.1, 0.25, 0.6, 1.2, 1.9, 2.4, 2.5,
                 2.4, 2.2, 2.0, 1.9, 1.8, 1.9, 2.1, 2.5, 2.6, 2.2, 1.4, 0.8)
# fmt: on


def easter_sunday(year: int) -> date:
    """The Gregorian Easter Sunday (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=32)
def public_holidays(year: int) -> frozenset[date]:
    """Norway's public holidays (helligdager) of a year, and 1 and 17 May."""
    easter = easter_sunday(year)
    moving = (-3, -2, 0, 1, 39, 49, 50)  # skjærtorsdag … 2. pinsedag
    fixed = ((1, 1), (5, 1), (5, 17), (12, 25), (12, 26))
    return frozenset(
        [easter + timedelta(days=n) for n in moving] + [date(year, m, d) for m, d in fixed]
    )


@lru_cache(maxsize=4096)
def day_factor(day: date) -> float:
    """How busy a day is against an ordinary one (1.0)."""
    if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day == 1):
        return CHRISTMAS
    factor = MONTH[day.month - 1]
    if day in public_holidays(day.year):
        return factor * HOLIDAY
    return factor * WEEKDAY[day.weekday()]


def mean_day_factor(end: date) -> float:
    """The average factor of the year up to `end`, so `visits_per_day` is a year's average."""
    return sum(day_factor(end - timedelta(days=n)) for n in range(365)) / 365


def hour_weights(day: date) -> tuple[float, ...]:
    quiet = day.weekday() >= 5 or day_factor(day) <= CHRISTMAS or day in public_holidays(day.year)
    return WEEKEND_HOURS if quiet else WEEKDAY_HOURS


# --- with what -----------------------------------------------------------------------------

COMPUTER, MOBILE, TABLET = "computer", "mobile", "tablet"
# Real User-Agent strings; the shop's own ua-parser path turns them into device, OS and browser.
USER_AGENTS: dict[str, tuple[tuple[str, float], ...]] = {
    COMPUTER: (
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            30,
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            22,
        ),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 6),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/18.1 Safari/605.1.15",
            14,
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36",
            12,
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 2),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            2,
        ),
    ),
    MOBILE: (
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
            "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            45,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
            "like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
            6,
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            25,
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like "
            "Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            10,
        ),
        ("Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", 2),
    ),
    TABLET: (
        (
            "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
            60,
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            30,
        ),
    ),
}
BOT_AGENTS: tuple[tuple[str, float], ...] = (
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 40),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 20),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 12),
    ("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", 8),
    ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", 4),
    ("python-requests/2.32.3", 3),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/131.0.0.0 Safari/537.36",
        2,
    ),
)


def device_shares(day: date, hour: int) -> dict[str, float]:
    """Computers in office hours on working days, phones in the evening and at weekends."""
    office = hour_weights(day) is WEEKDAY_HOURS and 8 <= hour < 16
    if office:
        return {COMPUTER: 0.62, MOBILE: 0.32, TABLET: 0.06}
    return {COMPUTER: 0.33, MOBILE: 0.57, TABLET: 0.10}


# Norwegian access networks; an address in one is truncated by the shop like any other.
NETWORKS = (
    "84.208.0.0/14",  # Telenor
    "85.164.0.0/14",  # Altibox
    "46.9.0.0/16",
    "77.16.0.0/13",  # Telia mobile
    "88.88.0.0/15",
    "92.220.0.0/15",
    "109.247.0.0/16",
    "148.252.0.0/16",  # Telenor mobile
    "193.69.0.0/16",
    "195.159.0.0/16",
    "2a01:79c::/32",
    "2a02:2121::/32",
)

# --- from where ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a visit comes from: the referring hosts, UTM fields, and what it lands on."""

    name: str
    weight: float
    hosts: tuple[str, ...]  # referring host names, the first the most common; () for none
    landing: tuple[float, float, float, float]  # front, category, product, search
    utm: tuple[str, str, str] | None = None  # source, medium, campaign ("{month}" filled in)
    campaign: tuple[tuple[int, int], tuple[int, int]] | None = None  # from, to (month, day)


SOURCES = (
    Source("direct", 30, (), (0.62, 0.15, 0.23, 0.0)),
    Source("google", 30, ("www.google.com", "www.google.no"), (0.15, 0.33, 0.52, 0.0)),
    Source("bing", 2.5, ("www.bing.com",), (0.2, 0.35, 0.45, 0.0)),
    Source("duckduckgo", 1.5, ("duckduckgo.com",), (0.2, 0.35, 0.45, 0.0)),
    Source("finn", 6, ("www.finn.no",), (0.12, 0.03, 0.85, 0.0)),
    Source("facebook", 5, ("l.facebook.com", "m.facebook.com"), (0.3, 0.2, 0.5, 0.0)),
    Source("instagram", 1.5, ("l.instagram.com",), (0.4, 0.1, 0.5, 0.0)),
    Source("linkedin", 2, ("www.linkedin.com", "lnkd.in"), (0.5, 0.2, 0.3, 0.0)),
    Source("other", 2, ("www.gulesider.no", "www.proff.no", "kvasir.no"), (0.8, 0.1, 0.1, 0.0)),
    Source(
        "newsletter",
        3,
        (),
        (0.2, 0.3, 0.5, 0.0),
        ("nyhetsbrev", "epost", "nyhetsbrev-{month}"),
    ),
    Source(
        "google-ads",
        3,
        ("www.google.com",),
        (0.1, 0.6, 0.3, 0.0),
        ("google", "cpc", "brukte-kontorstoler"),
    ),
    Source(
        "spring-campaign",
        6,
        ("m.facebook.com", "l.facebook.com"),
        (0.2, 0.5, 0.3, 0.0),
        ("facebook", "paid_social", "varsalg-kontor"),
        ((3, 1), (4, 15)),
    ),
    Source(
        "autumn-campaign",
        6,
        ("m.facebook.com", "l.facebook.com", "l.instagram.com"),
        (0.2, 0.5, 0.3, 0.0),
        ("facebook", "paid_social", "tilbake-pa-kontoret"),
        ((8, 5), (9, 15)),
    ),
)
NEWSLETTER_BOOST = {0: 8.0, 1: 3.0}  # days after the monthly newsletter (first Tuesday)


def first_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7)


def source_weights(day: date) -> list[float]:
    """Each source's weight on a day: campaigns only while they run, newsletters spike."""
    since_newsletter = (day - first_tuesday(day.year, day.month)).days
    weights = []
    for source in SOURCES:
        weight = source.weight
        if source.campaign is not None:
            (m1, d1), (m2, d2) = source.campaign
            weight = weight if date(day.year, m1, d1) <= day <= date(day.year, m2, d2) else 0.0
        elif source.name == "newsletter":
            weight *= NEWSLETTER_BOOST.get(since_newsletter, 1.0)
        weights.append(weight)
    return weights


def utm_fields(source: Source, day: date) -> dict[str, str]:
    if source.utm is None:
        return {}
    utm_source, medium, campaign = source.utm
    month = f"{day.year}-{day.month:02d}"
    return {
        "utm_source": utm_source,
        "utm_medium": medium,
        "utm_campaign": campaign.format(month=month),
    }


# --- what they look for and answer -----------------------------------------------------------

SEARCH_WORDS = {
    "kontorstoler": ("kontorstol", "kontorstoler"),
    "ergonomiske-stoler": ("kontorstol", "ergonomisk stol", "arbeidsstol"),
    "sjefsstoler": ("sjefsstol", "skinnstol"),
    "tegnestoler": ("tegnestol", "sadelstol"),
    "skrivebord": ("skrivebord", "pult"),
    "hjornebord": ("hjørnebord", "hjørneskrivebord"),
    "hev-senkebord": ("hev senk", "hev/senk", "hev senk bord", "elektrisk skrivebord"),
    "motebord": ("møtebord", "konferansebord"),
    "arkivskap": ("arkivskap", "dokumentskap"),
    "reoler": ("reol", "bokhylle"),
    "skuffeseksjoner": ("skuffeseksjon", "skuffer"),
    "garderobeskap": ("garderobeskap", "skap"),
    "bordskjermer": ("bordskjerm", "skjerm"),
    "gulvskjermer": ("skjermvegg", "lyddemping"),
    "whiteboards": ("whiteboard", "tavle"),
    "skrivebordslamper": ("lampe", "skrivebordslampe"),
    "gulvlamper": ("gulvlampe",),
    "konferansestoler": ("konferansestol", "stabelstol"),
    "resepsjon": ("resepsjonsdisk", "skranke"),
    "sofaer": ("sofa",),
    "loungestoler": ("lenestol", "loungestol"),
    "kantinebord": ("kantinebord", "spisebord"),
}
TYPO_SHARE = 0.04  # a letter left out: "kontorsol"

# A new browser's answer to the banner, with its share; NO_ANSWER leaves the banner standing.
ACCEPT_ALL, STATISTICS_ONLY, PERSONAL_ONLY, REJECT_ALL, NO_ANSWER = (
    "accept_all",
    "statistics_only",
    "personalisation_only",
    "reject_all",
    "no_answer",
)
ANSWERS = {
    ACCEPT_ALL: 0.53,
    STATISTICS_ONLY: 0.08,
    PERSONAL_ONLY: 0.01,
    REJECT_ALL: 0.29,
    NO_ANSWER: 0.09,
}
GPC_SHARE = 0.02  # browsers sending Sec-GPC: statistics refused whatever they answer
RETURNING_SHARE = 0.3  # visits by a browser seen before (0.5 for visits that buy)
WITHDRAW_SHARE = 0.02  # returning visits that first withdraw statistics at Cookie-innstillinger
CONVERSION = 0.012  # visits that end in an order
ABANDON_SHARE = 0.035  # visits that put something in the cart and leave it
BOUNCE = 0.38  # a visit leaves after its first page
LEAVE = 0.22  # … and after each later page
MAX_PAGES = 30
