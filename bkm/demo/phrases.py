"""Sentence fragments the demo listings are written from: what we checked, what wear there is
(matched to the condition grade), where the furniture came from, and how to get it home.

`{lo}` and `{hi}` in the sit-stand phrases are the lowest and highest table height in cm.
"""

from __future__ import annotations

CHECKS: dict[str, tuple[str, ...]] = {
    "seating": (
        "Gassfjær, vippemekanisme og hjul er kontrollert på verkstedet vårt, og trekket er "
        "rengjort med ekstraksjonsrens.",
        "Alle justeringer er testet, og sete og rygg er dampvasket.",
        "Vi har sjekket at stolen holder høyden og at vippen låser som den skal, og byttet hjul "
        "der det trengtes.",
    ),
    "side_chair": (
        "Stolen er vasket, skruene er etterstrammet og glideskoene kontrollert.",
        "Vi har sjekket at rammen er stødig og at alle glidesko er på plass.",
    ),
    "upholstered": (
        "Putene er støvsugd og trekket rengjort med tekstilrens; ramme og ben er kontrollert.",
        "Trekket er dampvasket, og vi har sjekket at rammen er stødig og uten knirk.",
    ),
    "table": (
        "Bordplaten er vasket og stativet kontrollert for slark.",
        "Kantlister og skruer er sjekket, og bena har fått nye filtknotter.",
        "Platen er rengjort og stativet etterstrammet, så bordet står støtt.",
    ),
    "sitstand": (
        "Motorene er kjørt gjennom hele høydevandringen, fra {lo} til {hi} cm, og håndkontrollen "
        "fungerer som den skal.",
        "Vi har testet bordet fra {lo} til {hi} cm og sjekket at kabelrennen sitter godt.",
        "Stativet er kjørt opp og ned flere ganger ({lo}–{hi} cm), og platen er vasket.",
    ),
    "storage": (
        "Skapet er vasket innvendig og utvendig, og låsen er testet med medfølgende nøkkel.",
        "Alt er vasket og kontrollert, og to nøkler følger med.",
    ),
    # By drawing kind, where drawers or doors make the difference.
    "filing_cabinet": (
        "Alle skuffer går lett på skinnene, og sentrallåsen er testet med medfølgende nøkkel.",
        "Skuffeskinnene er rengjort og smurt, og to nøkler følger med.",
    ),
    "drawer_unit": (
        "Skuffene går lett, hjulene er rengjort, og nøkkel til låsen følger med.",
        "Vi har smurt skuffeskinnene og testet låsen; to nøkler følger med.",
    ),
    "wardrobe": (
        "Dørene er justert så de lukker tett, og låsen er testet med medfølgende nøkkel.",
        "Skapet er vasket innvendig og utvendig, og hengslene er justert.",
    ),
    "shelving": (
        "Reolen er vasket, og alle hyllestifter følger med.",
        "Hyllene er vasket og kontrollert for nedbøyning, og hyllestiftene er med.",
    ),
    "screen": (
        "Stoffet er støvsugd og flekkfjernet, og festebrakettene følger med.",
        "Skjermen er rengjort, og vi har sjekket at føtter og fester er hele.",
    ),
    "board": (
        "Tavleflaten er rengjort med tavlerens, og festene er kontrollert.",
        "Vi har vasket tavlen og sjekket at den er magnetisk over hele flaten.",
    ),
    "lamp": (
        "Lampen er testet, og ledning, støpsel og bryter er kontrollert.",
        "LED-modulen er testet på alle trinn, og armen er justert så den holder stillingen.",
    ),
}

WEAR: dict[str, dict[str, tuple[str, ...]]] = {
    "seating": {
        "A": (
            "Ingen synlige bruksmerker; stolen har stått i et lite brukt kontor.",
            "Trekket er uten flekker og slitasje, og plastdelene er uten riper.",
        ),
        "B": (
            "Lette bruksmerker på armlenene og noen små riper i fotkrysset, ellers pent trekk.",
            "Trekket er litt blankslitt foran på setet, men uten hull eller flekker.",
            "Noen små merker på ryggen og normal slitasje på hjulene.",
        ),
        "C": (
            "Tydelig slitasje på setetrekket og riper i fotkrysset; en liten flekk på ryggen gikk "
            "ikke bort.",
            "Armlenene er slitte og trekket har falmet noe, men alle funksjoner virker.",
        ),
    },
    "side_chair": {
        "A": ("Ingen synlige bruksmerker.", "Står som ny, uten riper eller merker."),
        "B": (
            "Noen små riper i setet og lette merker på bena.",
            "Lette bruksmerker etter stabling, ellers pen.",
        ),
        "C": (
            "Tydelige riper i setet og slitte glidesko; stolen er stødig og fullt brukbar.",
            "En del merker og riper etter mange års bruk i møterom – prisen er satt deretter.",
        ),
    },
    "upholstered": {
        "A": ("Trekket er som nytt, uten flekker, nupper eller falming.",),
        "B": (
            "Litt nupper på setet og noen svake merker på armlenet, ellers pent.",
            "Normal slitasje på putene, ingen flekker eller hull.",
        ),
        "C": (
            "Trekket er tydelig slitt på setet og har noen flekker, men sofaen er stødig og god "
            "å sitte i.",
            "Falmet trekk og merker på bena; fullt brukbar og prisen er satt deretter.",
        ),
    },
    "table": {
        "A": ("Bordplaten er uten riper og merker.", "Står som nytt, uten synlige bruksmerker."),
        "B": (
            "Noen små riper og et par merker etter kopper på platen, ses best i motlys.",
            "Litt slitasje på kantlisten foran og et par små riper i stativet.",
        ),
        "C": (
            "Tydelige riper og noen hakk i kanten; platen er hel og stabil.",
            "Platen har merker etter tape og en del riper – prisen er satt deretter.",
        ),
    },
    "storage": {
        "A": ("Står som nytt, uten bulker eller riper.",),
        "B": (
            "Noen små riper på toppen og en liten bulk nederst på siden.",
            "Lette bruksmerker på fronten, ellers pent.",
        ),
        "C": (
            "Tydelige riper og merker etter klistremerker på fronten; alt fungerer.",
            "En del riper og en bulk på siden, men skapet er stødig og fullt brukbart.",
        ),
    },
    "screen": {
        "A": ("Stoffet er helt, uten lo og falming.",),
        "B": (
            "Stoffet er litt lodent i kantene og har noen små merker.",
            "Noen små merker etter tegnestifter, ellers pent stoff.",
        ),
        "C": (
            "Stoffet er falmet og har noen flekker; lyddempingen er like god.",
            "Tydelige merker etter tegnestifter og tape, og noe falming.",
        ),
    },
    "board": {
        "A": ("Tavleflaten er blank og uten skygger.",),
        "B": ("Svake skygger av gammel tusj i sterkt lys, ellers en pen flate.",),
        "C": ("Tydelige skygger og noen riper i flaten; fungerer fint til daglig bruk.",),
    },
    "lamp": {
        "A": ("Lakken er uten riper.",),
        "B": ("Noen små riper i lakken på foten.", "Litt slitasje på bryteren, ellers pen."),
        "C": ("Lakken er slitt på armen og foten; lampen fungerer som den skal.",),
    },
}
WEAR["sitstand"] = WEAR["table"]
WEAR["shelving"] = WEAR["storage"]
CHECKS["cupboard"] = CHECKS["wardrobe"]

ORIGINS: tuple[str, ...] = (
    "Kommer fra et forsikringsselskap i Oslo som flyttet til nye lokaler.",
    "Fra et regnskapskontor på Hamar.",
    "Fra en kommuneadministrasjon i Innlandet.",
    "Innkjøpt fra et konsulentselskap i Bergen som reduserte kontorarealet.",
    "Fra et bankkontor i Trondheim som ble lagt ned.",
    "Fra et ingeniørfirma på Lillehammer.",
    "Fra et advokatkontor i Oslo sentrum.",
    "Fra en videregående skole i Elverum.",
    "Fra et statlig direktorat som samlokaliserte seg.",
    "Fra et IT-selskap på Fornebu.",
    "Fra et arkitektkontor i Stavanger.",
    "Fra et sykehus på Østlandet som pusset opp administrasjonen.",
)

BATCH = (
    "Vi har {n} like eksemplarer fra samme kontor – prisen gjelder per stk.",
    "{n} stk. på lager fra samme leveranse; ta kontakt om du vil ha alle.",
)

CLOSINGS = (
    "Kan hentes på lageret i Elverum etter avtale, eller sendes med fraktebyrå over hele landet.",
    "Hent på lageret vårt i Elverum eller få det levert – fraktprisen ser du i kassen.",
    "Se gjerne varen på lageret i Elverum før du kjøper.",
)

# What the close-up picture shows, per drawing kind (bkm.demo.drawings).
DETAILS: dict[str, str] = {
    "office_chair": "setet og armlenene",
    "executive_chair": "ryggen og armlenene",
    "drafting_chair": "setet og fotringen",
    "conference_chair": "setet og ryggen",
    "desk": "bordplaten og stativet",
    "corner_desk": "hjørnet med mavebuen",
    "sitstand": "stativet og betjeningspanelet",
    "meeting_table": "bordplaten og bena",
    "canteen_table": "bordplaten og foten",
    "reception": "disken og skranken",
    "filing_cabinet": "skuffene og håndtakene",
    "drawer_unit": "skuffene og hjulene",
    "shelf": "hyllene",
    "wardrobe": "dørene og håndtakene",
    "cupboard": "dørene og håndtakene",
    "desk_screen": "stoffet og festebrakettene",
    "floor_screen": "stoffet og foten",
    "wall_whiteboard": "tavleflaten og pennehylla",
    "whiteboard": "tavleflaten og pennehylla",
    "desk_lamp": "lampehodet og armen",
    "floor_lamp": "lampeskjermen",
    "sofa": "putene og armlenet",
    "loveseat": "putene og armlenet",
    "lounge_chair": "putene og armlenet",
}
