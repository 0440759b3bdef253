"""LES-MEG.txt: the export's Norwegian README, written from the data map's texts.

It describes every file and every field of the ZIP it lies in. For the access copy (GDPR art.
15) it also says what the article asks for besides the data: purposes and legal bases, the
recipients (the processors register in force), retention, where the data came from, the
customer's rights and whom to contact.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from bkm.clock import to_oslo
from bkm.consent.models import Processor
from bkm.extensions import db
from bkm.privacy.data_map import BASES, ON_ERASURE, RETENTION
from bkm.privacy.export_format import FORMAT, VERSION, column_description, oslo_iso
from bkm.templating import COMPANY

if TYPE_CHECKING:  # only for the annotations; export imports this module
    from bkm.privacy.export import Export

WIDTH = 88

TITLES = {
    "portability": "Kopi av opplysningene du har gitt oss (dataportabilitet)",
    "access": "Innsyn: alle opplysningene vi har om deg",
}
INTROS = {
    "portability": (
        "Dette er opplysningene du selv har gitt oss: kontoen din, bestillingene du har lagt "
        "inn (med varelinjene), tilbudene du har bedt om, sakene dine med meldingene du har "
        "skrevet, og svarene dine om samtykker, nyhetsbrev, telefonsalg og kataloger. Filene "
        "kan leses av andre programmer, så du kan ta dem med deg videre "
        "(personvernforordningen artikkel 20). Svarene våre i sakene, fakturaer, e-poster vi "
        "har sendt deg, interesseprofilen og loggen over hvem hos oss som har sett "
        "opplysningene dine, får du med «Send meg mine data» på Min side."
    ),
    "access": (
        "Dette er alt vi har lagret om deg i nettbutikken, slik det var da filen ble laget "
        "(innsyn etter personvernforordningen artikkel 15): det du har gitt oss, det vi har "
        "registrert om kundeforholdet (bestillinger, forsendelser, fakturaer og andre "
        "dokumenter, saker med svarene våre, e-poster vi har sendt deg), det vi har utledet "
        "(interesseprofilen, hvis du har samtykket til personlig tilpasning), samtykkeloggen "
        "og loggen over hvem hos oss som har sett opplysningene dine. Passordet ditt lagrer "
        "vi bare som en hash; den er ikke med."
    ),
}
ABOUT_FILES = [
    "format.json beskriver filen maskinlesbart: formatet «{format}» versjon {version}, "
    "hvilken kopi det er, når den ble laget og kundenummeret ditt.",
    "Hver tabell finnes i to like utgaver: <navn>.json (UTF-8) og <navn>.csv (UTF-8, "
    "semikolon mellom feltene, første linje er feltnavnene; åpnes i Excel og andre regneark).",
    "Tider står i norsk tid med tidssone etter ISO 8601, for eksempel "
    "2026-11-25T10:15:00+01:00. Datoer står som 2026-11-25.",
    "Beløp står i øre i felt som slutter på _ore, med 25 % mva: 123450 betyr kr 1 234,50.",
    "I CSV-filene står ja/nei som «ja» og «nei», og tekst som begynner med =, +, - eller @ "
    "(men ikke et telefonnummer eller et tall) har fått en apostrof foran, så regneark ikke "
    "leser den som en formel. JSON-filene har verdiene uendret.",
]
SOURCES = {
    "web": "Du opprettet kontoen selv i nettbutikken.",
    "phone": "En av oss registrerte deg etter at du tok kontakt på telefon.",
    "email": "En av oss registrerte deg etter at du tok kontakt på e-post.",
    "in_person": "En av oss registrerte deg da du var innom butikken.",
    "checkout": "Du la igjen opplysningene i kassen da du handlet uten konto.",
}
RIGHTS = [
    "Retting: endre navn, adresse, e-post og telefon selv under «Mine opplysninger» på Min "
    "side. Det du ikke kan endre selv, kan du skrive til oss om.",
    "Sletting: velg «Slett meg» på Min side. Noe må vi ta vare på en tid, for eksempel "
    "fakturaer etter bokføringsloven; da forteller vi hvorfor og til når.",
    "Dataportabilitet: «Last ned mine data» på Min side gir deg det du har gitt oss, i "
    "samme format som denne filen.",
    "Samtykker: se og trekk tilbake samtykkene dine under «Vilkår og samtykker» på Min side, "
    "når som helst. Der kan du også si nei til telefonsalg, kataloger og nyhetsbrev.",
    "Begrensning og protest: du kan be oss om å begrense eller slutte med en behandling; "
    "skriv til oss.",
    "Klage: mener du at vi behandler opplysningene dine i strid med reglene, kan du klage "
    "til Datatilsynet (datatilsynet.no, Postboks 458 Sentrum, 0105 Oslo).",
]


def readme_text(export: Export, processors: list[Processor]) -> str:
    """LES-MEG.txt of `export`; `processors` is the register in force (the recipients)."""
    parts = [_head(export), _section("Om filene", _about_files(export))]
    parts.append(_section("Filene og feltene", [_table_text(t) for t in export.tables]))
    if export.kind == "access":
        parts += [
            _section("Formål og rettslig grunnlag", _purposes(export)),
            _section("Hvem som får opplysningene", _recipients(export, processors)),
            _section("Hvor lenge vi lagrer opplysningene", _retention(export)),
            _section("Hvor opplysningene kommer fra", _sources(export)),
            _section("Automatiserte avgjørelser", [_para(AUTOMATED)]),
            _section("Dine rettigheter", [_bullet(text) for text in RIGHTS]),
        ]
    parts.append(_section("Kontakt", [_para(_contact())]))
    return "\ufeff" + "\n\n".join(parts) + "\n"


AUTOMATED = (
    "Vi tar ingen avgjørelser om deg bare ved automatisk behandling (artikkel 22). "
    "Interesseprofilen brukes bare til å velge hvilke varer vi viser deg."
)


def _head(export: Export) -> str:
    title = f"Personopplysninger fra {COMPANY['name']}"
    created = to_oslo(export.created_at)
    lines = [
        title,
        "=" * len(title),
        "",
        TITLES[export.kind],
        f"Laget {created:%d.%m.%Y} kl. {created:%H:%M} norsk tid ({oslo_iso(export.created_at)})",
        f"Kundenummeret ditt hos oss: {export.user.id}",
        "",
        _para(INTROS[export.kind]),
    ]
    return "\n".join(lines)


def _section(title: str, blocks: list[str]) -> str:
    return "\n".join([title, "-" * len(title), "", "\n\n".join(blocks)])


def _para(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _bullet(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent + "- ", subsequent_indent=indent + "  ")


def _about_files(export: Export) -> list[str]:
    texts = [t.format(format=FORMAT, version=VERSION) for t in ABOUT_FILES]
    folders = sorted({path.split("/", 1)[0] for path in export.files})
    if "dokumenter" in folders:
        texts.append(
            "Mappen dokumenter/ har PDF-ene av ordrebekreftelser, pakksedler, fakturaer og "
            "kreditnotaer slik vi utstedte dem; feltet pdf i issued_documents viser til filen."
        )
    if "vedlegg" in folders:
        texts.append(
            "Mappen vedlegg/ har vedleggene til e-poster vi har sendt deg; feltet content i "
            "mail_attachments viser til filen. Et vedlegg som også er et dokument, viser til "
            "filen i dokumenter/."
        )
    if "filer" in folders:
        texts.append("Mappen filer/ har andre filer; feltet som hører til, viser til filen.")
    return [_bullet(text) for text in texts]


def _table_text(table) -> str:
    entry = table.entry
    columns = db.metadata.tables[entry.name].columns
    count = len(table.rows)
    lines = [
        f"{entry.name}.json og {entry.name}.csv: {entry.about} "
        f"({count} {'rad' if count == 1 else 'rader'})",
        _para(f"Lagringstid: {RETENTION[entry.retention]}", "  "),
        _para(f"Hvis du blir slettet: {ON_ERASURE[entry.on_erasure]}.", "  "),
        "  Felt:",
    ]
    for name in table.columns:
        lines.append(_bullet(f"{name}: {_field_text(entry, columns[name])}", "    "))
    return "\n".join(lines)


def _field_text(entry, column) -> str:
    field = entry.personal.get(column.name)
    if field is None:
        return column_description(column) + "."
    given = " Du ga oss dette." if field.provided else ""
    return f"{field.what}.{given} Formål: {field.purpose}. Grunnlag: {BASES[field.basis]}."


def _purposes(export: Export) -> list[str]:
    bases: dict[str, list[str]] = {}
    for table in export.tables:
        for name in table.columns:
            field = table.entry.personal.get(name)
            if field is not None and BASES[field.basis] not in bases.setdefault(field.purpose, []):
                bases[field.purpose].append(BASES[field.basis])
    return [_bullet(f"{purpose}: {'; '.join(found)}.") for purpose, found in bases.items()]


def _recipients(export: Export, processors: list[Processor]) -> list[str]:
    blocks = [
        _para(
            "Disse tjenesteleverandørene (databehandlere) behandler opplysninger for oss, "
            "bare etter våre instrukser og med databehandleravtale:"
        )
    ]
    if processors:
        blocks += [
            _bullet(
                f"{p.name}: {p.service}. Får: {p.data}. Behandles i: {p.location}. "
                f"Avtale inngått {p.agreement_date:%d.%m.%Y}."
            )
            for p in processors
        ]
    else:
        blocks.append(_bullet("Ingen er registrert i dag."))
    if any(t.entry.name == "privacy_debt_sales" for t in export.tables):
        blocks.append(
            _para(
                "Krav vi har solgt til et inkassoselskap, og hvem som kjøpte dem, står i "
                "privacy_debt_sales."
            )
        )
    return blocks


def _retention(export: Export) -> list[str]:
    seen: dict[str, list[str]] = {}
    for table in export.tables:
        seen.setdefault(table.entry.retention, []).append(table.entry.name)
    return [_bullet(f"{RETENTION[key]} ({', '.join(names)})") for key, names in seen.items()]


def _sources(export: Export) -> list[str]:
    texts = []
    if export.user.registration_channel in SOURCES:
        texts.append(SOURCES[export.user.registration_channel])
    texts += [
        "Det meste har du gitt oss selv: når du registrerte deg, handlet, ba om tilbud, "
        "skrev til oss eller svarte på spørsmål om samtykke.",
        "Resten lager vi selv mens vi handler med deg: ordrestatus, forsendelser, fakturaer "
        "og andre dokumenter, svarene våre i saker, e-postene vi sender deg, interesseprofilen "
        "(bare med samtykke, ut fra det du ser på og kjøper) og loggen over hvem hos oss som "
        "har sett opplysningene dine.",
        "Om du er reservert mot telefonsalg, henter vi fra Reservasjonsregisteret "
        "(Brønnøysundregistrene).",
    ]
    return [_bullet(text) for text in texts]


def _contact() -> str:
    return (
        f"{COMPANY['name']} (org.nr. {COMPANY['org_number']}), {COMPANY['street']}, "
        f"{COMPANY['postcode']} {COMPANY['city']}, er behandlingsansvarlig. Spørsmål om "
        f"personopplysninger sender du til {COMPANY['email']}; merk e-posten "
        "«Personopplysninger». Telefon: " + COMPANY["phone"] + "."
    )
