"""The demo catalogue's shape: the category tree, colours, and what each category holds."""

from __future__ import annotations

from dataclasses import dataclass

from bkm.demo.catalogue_models import (
    CHAIR_MODELS,
    LOUNGE_MODELS,
    STORAGE_MODELS,
    TABLE_MODELS,
    Model,
)


@dataclass(frozen=True)
class CategoryNode:
    slug: str
    name: str
    description: str
    children: tuple[CategoryNode, ...] = ()


N = CategoryNode

# The tables below are laid out by hand, one entry per line or two.
# fmt: off
CATEGORY_TREE: tuple[CategoryNode, ...] = (
    N("kontorstoler", "Kontorstoler",
      "Brukte arbeidsstoler fra kjente produsenter, kontrollert og rengjort på vårt verksted.", (
          N("ergonomiske-stoler", "Ergonomiske stoler",
            "Arbeidsstoler med full justering for lange dager foran skjermen."),
          N("sjefsstoler", "Sjefsstoler",
            "Stoler med høy rygg, ofte i skinn, for kontoret som skal gjøre inntrykk."),
          N("tegnestoler", "Tegnestoler",
            "Høye stoler med fotring eller sadelsete, laget for hev-/senkebord og disker."),
      )),
    N("skrivebord", "Skrivebord",
      "Solide skrivebord i standardmål, fra enkle pulter til store hjørnebord.", (
          N("hjornebord", "Hjørnebord",
            "Hjørneskrivebord med mavebue som gir plass til to skjermer og mye papir."),
      )),
    N("hev-senkebord", "Hev-/senkebord",
      "Elektriske hev-/senkebord der motorer og håndkontroll er testet før salg."),
    N("motebord", "Møtebord",
      "Møtebord for alt fra fire til fjorten personer, i laminat, finér og heltre."),
    N("oppbevaring", "Oppbevaring",
      "Skap, reoler og skuffeseksjoner som holder orden på kontoret.", (
          N("arkivskap", "Arkivskap",
            "Låsbare arkivskap og dokumentskap for permer og hengemapper."),
          N("reoler", "Reoler", "Åpne reoler og bokhyller i flere høyder."),
          N("skuffeseksjoner", "Skuffeseksjoner",
            "Skuffeseksjoner på hjul som passer under de fleste skrivebord."),
          N("garderobeskap", "Garderobeskap", "Høye garderobeskap med klesstang og hattehylle."),
      )),
    N("skjermvegger", "Skjermvegger",
      "Lyddempende skjermer og tavler som gir ro i åpne kontorlandskap.", (
          N("bordskjermer", "Bordskjermer",
            "Skjermer som festes på bordplaten og skjermer mellom to arbeidsplasser."),
          N("gulvskjermer", "Gulvskjermer", "Frittstående skjermvegger på føtter."),
          N("whiteboards", "Whiteboards og tavler",
            "Whiteboards for veggen og mobile tavler på hjul."),
      )),
    N("belysning", "Belysning", "Arbeidslamper og gulvlamper som gir godt lys der du jobber.", (
          N("skrivebordslamper", "Skrivebordslamper",
            "Arkitektlamper og LED-lamper for skrivebordet."),
          N("gulvlamper", "Gulvlamper", "Gulvlamper for arbeidsplassen og loungen."),
      )),
    N("konferansestoler", "Konferansestoler",
      "Stablebare møteromsstoler og designklassikere, ofte i større partier."),
    N("resepsjon", "Resepsjon",
      "Resepsjonsdisker som tar imot besøkende med et godt førsteinntrykk."),
    N("kantine-lounge", "Kantine og lounge",
      "Sofaer, loungestoler og kantinebord for pauserommet og fellesarealet.", (
          N("sofaer", "Sofaer", "Sofaer i slitesterke stoffer for lounge og venteområde."),
          N("loungestoler", "Loungestoler",
            "Myke stoler for den uformelle praten og den rolige pausen."),
          N("kantinebord", "Kantinebord", "Kantine- og kafébord som tåler daglig bruk."),
      )),
)

COLOURS: dict[str, str] = {
    "Svart": "#232428", "Antrasitt": "#3b3f45", "Mørkegrå": "#55595f", "Grå": "#8a8e93",
    "Lysegrå": "#c3c6ca", "Hvit": "#eeeeea", "Blå": "#2f5d8a", "Marineblå": "#1f3352",
    "Turkis": "#2a8a8a", "Rød": "#a3262a", "Burgunder": "#6d1f2f", "Grønn": "#4f7a4a",
    "Gul": "#d9a521", "Oransje": "#d2691e", "Beige": "#cdbb9a", "Brun": "#5a3a26",
    "Cognac": "#9a5a2b", "Bjørk": "#dcc396", "Bøk": "#d1a474", "Eik": "#c09a66",
    "Valnøtt": "#6b4a32", "Aluminium": "#b5bac0",
}
# fmt: on


@dataclass(frozen=True)
class Range:
    """How many listings one category gets, and what they are made of."""

    category: str
    count: int
    kind: str  # drawing kind (bkm.demo.drawings), unless the model names its own
    group: str  # which check and wear phrases fit (bkm.demo.phrases)
    colours: tuple[str, ...]  # repeats make a colour more common
    widths: tuple[int, ...]
    depths: tuple[int, ...]  # (0,) for round items: the depth is the width
    heights: tuple[int, ...]
    models: tuple[Model, ...]
    batch_share: float = 0.04  # share of listings with several identical items
    batch_max: int = 3
    sized_title: bool = False  # tables are sold by their size: "160x80 cm", round ones "Ø80 cm"


CHAIRS = ("Svart", "Svart", "Mørkegrå", "Grå", "Blå", "Marineblå", "Rød", "Grønn", "Turkis")
DESKS = ("Bjørk", "Bjørk", "Bøk", "Hvit", "Hvit", "Lysegrå", "Eik", "Antrasitt")
CABINETS = ("Hvit", "Hvit", "Lysegrå", "Grå", "Antrasitt", "Bjørk")
FABRICS = ("Grå", "Mørkegrå", "Blå", "Grønn", "Gul", "Lysegrå", "Turkis", "Oransje")
SOFAS = ("Grå", "Mørkegrå", "Blå", "Grønn", "Beige", "Burgunder", "Marineblå")
R = Range

# Per category: count, drawing kind, phrase group, colours, widths, depths, heights (cm), models.
# fmt: off
RANGES: tuple[Range, ...] = (
    R("ergonomiske-stoler", 56, "office_chair", "seating", CHAIRS, (62, 65, 68, 70),
      (55, 58, 60, 62), (98, 102, 108, 115, 120), CHAIR_MODELS["ergonomiske-stoler"],
      batch_share=0.25, batch_max=8),
    R("sjefsstoler", 14, "executive_chair", "seating", ("Svart", "Svart", "Brun", "Cognac"),
      (66, 68, 70), (60, 64, 68), (112, 118, 124, 130), CHAIR_MODELS["sjefsstoler"]),
    R("tegnestoler", 14, "drafting_chair", "seating", CHAIRS, (60, 64, 66), (55, 58, 60),
      (110, 118, 126, 135), CHAIR_MODELS["tegnestoler"], batch_share=0.2, batch_max=4),
    R("skrivebord", 26, "desk", "table", DESKS, (120, 140, 160, 160, 180), (60, 70, 80, 80, 90),
      (72,), TABLE_MODELS["skrivebord"], sized_title=True),
    R("hjornebord", 10, "corner_desk", "table", DESKS, (160, 180, 200), (120,), (72,),
      TABLE_MODELS["hjornebord"], sized_title=True),
    R("hev-senkebord", 42, "sitstand", "sitstand", (*DESKS, "Svart"), (120, 140, 160, 160, 180),
      (70, 80, 80, 90), (65,), TABLE_MODELS["hev-senkebord"], batch_share=0.15, batch_max=6,
      sized_title=True),
    R("motebord", 22, "meeting_table", "table",
      ("Eik", "Bjørk", "Hvit", "Valnøtt", "Svart", "Lysegrå"), (180, 200, 240, 280, 320, 360),
      (90, 100, 110, 120), (72, 74), TABLE_MODELS["motebord"], sized_title=True),
    R("arkivskap", 14, "filing_cabinet", "storage", CABINETS, (45, 47, 80, 100), (42, 45, 62),
      (105, 132, 150), STORAGE_MODELS["arkivskap"]),
    R("reoler", 12, "shelf", "shelving", ("Hvit", "Bjørk", "Bøk", "Lysegrå", "Svart"), (80, 100),
      (35, 40), (110, 150, 190, 200), STORAGE_MODELS["reoler"]),
    R("skuffeseksjoner", 16, "drawer_unit", "storage", CABINETS, (42, 43), (55, 60),
      (55, 60, 62), STORAGE_MODELS["skuffeseksjoner"], batch_share=0.2, batch_max=6),
    R("garderobeskap", 8, "wardrobe", "storage", ("Hvit", "Lysegrå", "Grå", "Bjørk"),
      (60, 80, 100), (60,), (185, 197), STORAGE_MODELS["garderobeskap"]),
    R("bordskjermer", 14, "desk_screen", "screen", FABRICS, (120, 140, 160, 180), (4, 5, 6),
      (40, 50, 65), LOUNGE_MODELS["bordskjermer"], batch_share=0.3, batch_max=10),
    R("gulvskjermer", 14, "floor_screen", "screen", FABRICS, (80, 100, 120, 160, 180), (6,),
      (140, 160, 180), LOUNGE_MODELS["gulvskjermer"], batch_share=0.2, batch_max=6),
    R("whiteboards", 8, "whiteboard", "board", ("Hvit", "Aluminium", "Grå", "Svart"),
      (120, 150, 180, 200), (5,), (90, 100, 120), LOUNGE_MODELS["whiteboards"],
      sized_title=True),
    R("skrivebordslamper", 10, "desk_lamp", "lamp",
      ("Hvit", "Svart", "Grå", "Aluminium", "Rød", "Gul"), (18, 20, 25), (18, 20, 25),
      (45, 50, 60), LOUNGE_MODELS["skrivebordslamper"], batch_share=0.2, batch_max=5),
    R("gulvlamper", 8, "floor_lamp", "lamp", ("Hvit", "Svart", "Grå", "Aluminium"),
      (30, 35, 40), (30, 35, 40), (150, 170, 190), LOUNGE_MODELS["gulvlamper"]),
    R("konferansestoler", 30, "conference_chair", "side_chair", (*CHAIRS, "Hvit", "Bjørk", "Eik"),
      (50, 53, 55, 58), (50, 52, 55), (78, 80, 82), CHAIR_MODELS["konferansestoler"],
      batch_share=0.6, batch_max=12),
    R("resepsjon", 8, "reception", "table", ("Hvit", "Bjørk", "Eik", "Lysegrå", "Antrasitt"),
      (160, 200, 240, 280), (80, 90, 100), (105, 110), TABLE_MODELS["resepsjon"]),
    R("sofaer", 8, "sofa", "upholstered", SOFAS, (150, 180, 200, 220), (75, 80, 85),
      (72, 78, 84), LOUNGE_MODELS["sofaer"]),
    R("loungestoler", 8, "lounge_chair", "upholstered", (*SOFAS, "Cognac"), (70, 75, 80),
      (72, 78, 82), (72, 78, 90), LOUNGE_MODELS["loungestoler"], batch_share=0.25, batch_max=4),
    R("kantinebord", 8, "canteen_table", "table", ("Hvit", "Bjørk", "Eik", "Svart", "Lysegrå"),
      (70, 80, 90), (0,), (72, 74), TABLE_MODELS["kantinebord"], batch_share=0.4, batch_max=6,
      sized_title=True),
)
# fmt: on
