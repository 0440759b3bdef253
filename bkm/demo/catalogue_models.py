"""Brands and models the demo sells, per category, each with one sentence a dealer would write.

Prices are what a used-furniture dealer asks, in whole kroner including MVA: `low_kr` for a
worn example (grade C), `high_kr` for one that looks new (grade A). Where we are not sure of a
series name, the listing says what it is ("Kinnarps skrivebord"), as dealers often do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    brand: str
    name: str  # "" for a plain description: "Kinnarps skrivebord"
    noun: str
    low_kr: int
    high_kr: int
    blurb: str
    kind: str = ""  # drawing kind when it differs from the category's


M = Model

# The tables are laid out by hand, one model per entry.
# fmt: off
CHAIR_MODELS: dict[str, tuple[Model, ...]] = {
    "ergonomiske-stoler": (
        M("HÅG", "Futu", "kontorstol", 1900, 3900,
          "HÅG Futu har HÅG in Balance-mekanismen, som lar setet og ryggen følge bevegelsene "
          "dine fremover og bakover."),
        M("HÅG", "Tion", "kontorstol", 1500, 3200,
          "HÅG Tion er en enkel og robust arbeidsstol med vippemekanisme, justerbar setedybde og "
          "høydejusterbare armlener."),
        M("HÅG", "H04 4400", "kontorstol", 1900, 4200,
          "HÅG H04 er en norsk klassiker med HÅG in Balance, justerbar setedybde og en høy rygg "
          "som støtter hele ryggen."),
        M("HÅG", "SoFi", "kontorstol", 2400, 4900,
          "HÅG SoFi har en rygg som vrir seg med deg når du snur deg, og armlener som følger "
          "ryggens bevegelser."),
        M("Kinnarps", "8000-serien", "kontorstol", 1200, 2900,
          "Kinnarps 8000-serien er en av de mest brukte arbeidsstolene i nordiske kontorer, med "
          "synkronmekanikk og høydejusterbar rygg."),
        M("Kinnarps", "Capella", "kontorstol", 2500, 5200,
          "Kinnarps Capella har justerbar setedybde, justerbar korsryggstøtte og armlener som "
          "kan stilles i flere retninger."),
        M("Kinnarps", "Plus 6", "kontorstol", 1400, 3200,
          "Kinnarps Plus 6 har fjærende setefront og en solid stålramme som tåler mange år med "
          "daglig bruk."),
        M("Savo", "Maxi 2", "kontorstol", 2200, 4800,
          "Savo Maxi 2 er utviklet i Norge for lange arbeidsdager, med høy rygg, justerbar "
          "korsryggstøtte og stor justeringsmargin."),
        M("Savo", "XO", "kontorstol", 1600, 3400,
          "Savo XO har nettingrygg som puster godt, og et sete som kan skyves frem for lange lår."),
        M("RH", "Logic 400", "kontorstol", 2400, 5400,
          "RH Logic 400 har høy rygg, god korsryggstøtte og et sete som kan vippes fremover for "
          "aktiv sitting."),
        M("RH", "Mereo 300", "kontorstol", 2200, 4600,
          "RH Mereo har dynamisk rygg, skyvbart sete og armlener som justeres i fire retninger."),
        M("Steelcase", "Leap V2", "kontorstol", 3500, 6500,
          "Steelcase Leap V2 har LiveBack-ryggen som endrer form etter ryggraden din, og regnes "
          "som en av de beste kontorstolene som er laget."),
        M("Steelcase", "Please", "kontorstol", 1500, 3200,
          "Steelcase Please gir aktiv støtte i korsryggen og har enkel betjening av alle "
          "justeringer."),
        M("Herman Miller", "Aeron", "kontorstol", 3900, 6500,
          "Herman Miller Aeron har sete og rygg i pustende netting og PostureFit-støtte for "
          "korsryggen."),
        M("Herman Miller", "Mirra 2", "kontorstol", 2900, 5400,
          "Herman Miller Mirra 2 har en fleksibel rygg som følger bevegelsene dine, og sete med "
          "justerbar dybde."),
        M("Malmstolen", "24/7", "kontorstol", 2900, 6200,
          "Malmstolen lager stoler for døgnkontinuerlig bruk i kontrollrom og vaktsentraler, med "
          "kraftig mekanikk og slitesterkt trekk."),
    ),
    "sjefsstoler": (
        M("Vitra", "Aluminium Chair EA 119", "", 4500, 6500,
          "EA 119 er Charles og Ray Eames' klassiske aluminiumsstol, med trekket spent mellom to "
          "sidestykker i støpt aluminium."),
        M("Vitra", "Soft Pad Chair EA 219", "", 5200, 6500,
          "Soft Pad-utgaven av Eames' aluminiumsstol har sydde puter på sete og rygg for ekstra "
          "komfort."),
        M("Savo", "Maxi 2", "sjefsstol i skinn", 2900, 5500,
          "Savo Maxi 2 med nakkestøtte og skinntrekk gir full ergonomi i et mer representativt "
          "uttrykk."),
        M("RH", "Logic 400 Elite", "sjefsstol i skinn", 3200, 6200,
          "RH Logic 400 Elite har høy rygg med nakkestøtte og samme gode ergonomi som resten av "
          "Logic-serien."),
        M("Kinnarps", "Capella", "sjefsstol med nakkestøtte", 3000, 5800,
          "Capella med høy rygg og nakkestøtte er Kinnarps' mest komplette arbeidsstol."),
        M("HÅG", "SoFi", "sjefsstol med nakkestøtte", 2900, 5500,
          "HÅG SoFi med høy rygg og nakkestøtte gir god støtte også når du lener deg langt "
          "tilbake."),
    ),
    "tegnestoler": (
        M("HÅG", "Capisco 8106", "tegnestol", 2400, 4800,
          "HÅG Capisco har det kjente sadelsetet som lar deg sitte forlengs, sidelengs eller "
          "baklengs, og passer perfekt ved hev-/senkebord."),
        M("HÅG", "Capisco Puls", "tegnestol", 1400, 2900,
          "Capisco Puls er den lette utgaven av Capisco, med sete og rygg i resirkulert plast."),
        M("Savo", "XO", "tegnestol med fotring", 1700, 3500,
          "Høy utgave av Savo XO med fotring og lang gassfjær, laget for disker og ståbord."),
        M("Kinnarps", "8000-serien", "tegnestol med fotring", 1200, 2600,
          "Tegnestolutgaven av Kinnarps 8000 har fotring og høy gassfjær for arbeid ved disk."),
        M("RH", "Mereo 220", "tegnestol", 2200, 4400,
          "RH Mereo 220 er den høye utgaven av Mereo, med fotring og samme dynamiske rygg."),
    ),
    "konferansestoler": (
        M("HÅG", "Conventio Wing", "konferansestol", 700, 1900,
          "HÅG Conventio Wing har en fleksibel rygg som gir etter når du lener deg bakover, og "
          "kan stables."),
        M("Kinnarps", "", "konferansestol med armlener", 500, 1400,
          "Stablebar konferansestol fra Kinnarps med stålramme og polstret sete."),
        M("Fritz Hansen", "Syveren 3107", "stol", 1200, 2800,
          "Arne Jacobsens Syveren fra 1955 er en av verdens mest solgte stoler, med formpresset "
          "finér og forkrommede ben."),
        M("Fritz Hansen", "Myren", "stol", 1100, 2600,
          "Myren er Arne Jacobsens stol i formpresset finér fra 1952, lett og stablebar."),
        M("Vitra", "Eames Plastic Side Chair", "", 1100, 2400,
          "Eames Plastic Side Chair fra Vitra har sete i formstøpt plast og passer like godt i "
          "møterommet som i kantina."),
        M("Vitra", "Tip Ton", "stol", 900, 1900,
          "Tip Ton kan vippes fremover for aktiv sitting, og er støpt i ett stykke plast."),
        M("Flokk", "RBM Ballet", "konferansestol", 700, 1700,
          "RBM Ballet er en lett og stablebar konferansestol fra Flokk, med slank stålramme."),
        M("Savo", "", "konferansestol", 600, 1600,
          "Norskprodusert konferansestol fra Savo med polstret sete og rygg."),
        M("Martela", "", "konferansestol", 500, 1300,
          "Enkel og stablebar konferansestol fra finske Martela."),
    ),
}

TABLE_MODELS: dict[str, tuple[Model, ...]] = {
    "skrivebord": (
        M("Kinnarps", "", "skrivebord med C-ben", 1500, 3900,
          "Solid Kinnarps-pult med 25 mm plate og stabilt stålstativ med kabelrenne."),
        M("EFG", "", "skrivebord", 1500, 3500,
          "EFG-skrivebord med laminatplate og stativ i lakkert stål, laget for profesjonell bruk."),
        M("Svenheim", "", "skrivebord", 1400, 3200,
          "Norskprodusert skrivebord fra Svenheim, med slitesterk melaminplate og justerbare "
          "føtter."),
        M("Edsbyn", "", "skrivebord i finér", 3500, 9000,
          "Edsbyn lager møbler i ekte tre i Hälsingland, og dette bordet har finerplate med "
          "heltre kantlist."),
        M("Martela", "", "skrivebord", 1500, 3400,
          "Finske Martela er kjent for enkle og robuste kontormøbler; bordet har laminatplate og "
          "lakkert stålstativ."),
        M("Labofa", "", "skrivebord med firebensstativ", 1800, 4200,
          "Dansk kvalitet fra Labofa, med stabilt firebensstativ og plate med avrundede hjørner."),
    ),
    "hjornebord": (
        M("Kinnarps", "", "hjørneskrivebord", 2200, 4900,
          "Hjørnebord fra Kinnarps med mavebue, som gir plass til to skjermer og støtte for "
          "underarmene."),
        M("EFG", "", "hjørneskrivebord", 1900, 4500,
          "Hjørneskrivebord fra EFG med mavebue og kabelrenne langs hele bakkanten."),
        M("Svenheim", "", "hjørneskrivebord", 1800, 3900,
          "Norskprodusert hjørnebord fra Svenheim; stativet kan monteres for hjørne til høyre "
          "eller venstre."),
    ),
    "hev-senkebord": (
        M("Kinnarps", "", "elektrisk hev-/senkebord", 2900, 6900,
          "Kinnarps-bord med elektrisk stativ og to motorer, som tar deg fra sittende til "
          "stående på sekunder."),
        M("EFG", "", "elektrisk hev-/senkebord", 2500, 6500,
          "EFG-bord med stille motorer og kollisjonssikring som stopper bordet hvis det treffer "
          "noe."),
        M("Steelcase", "Ology", "hev-/senkebord", 3900, 8500,
          "Steelcase Ology har stille motorer og en håndkontroll som kan minne deg på å bytte "
          "stilling."),
        M("Steelcase", "Migration SE", "hev-/senkebord", 3500, 7900,
          "Steelcase Migration SE er et enkelt og stabilt hev-/senkebord med tydelig "
          "betjeningspanel."),
        M("Herman Miller", "Renew", "hev-/senkebord", 4500, 9000,
          "Herman Miller Renew har et lett og åpent stativ og stor høydevandring, så både lave "
          "og høye brukere får riktig arbeidshøyde."),
        M("Labofa", "", "elektrisk hev-/senkebord", 2900, 6500,
          "Dansk hev-/senkebord fra Labofa med kraftig stativ og minnefunksjon for fire høyder."),
        M("Svenheim", "", "elektrisk hev-/senkebord", 2500, 5900,
          "Norskprodusert hev-/senkebord fra Svenheim med to motorer og digital høydevisning."),
        M("Martela", "", "elektrisk hev-/senkebord", 2400, 5800,
          "Hev-/senkebord fra Martela med enkel opp/ned-bryter og stabilt T-stativ."),
    ),
    "motebord": (
        M("Kinnarps", "", "møtebord", 2500, 7500,
          "Møtebord fra Kinnarps med slitesterk plate og kabelluke midt på bordet."),
        M("EFG", "", "møtebord", 2400, 6900,
          "EFG-møtebord med plate i høytrykkslaminat som tåler kaffekopper og tusjer."),
        M("Labofa", "", "møtebord", 3000, 8500,
          "Solid dansk møtebord fra Labofa med søyleben som gir god beinplass."),
        M("Fora Form", "", "møtebord", 3500, 9500,
          "Norsk design fra Fora Form i Sykkylven, med solid plate og slanke ben."),
        M("Edsbyn", "", "møtebord i eikefinér", 4500, 12000,
          "Representativt møtebord fra Edsbyn i eikefinér med heltre kanter."),
        M("Fritz Hansen", "Super-elliptisk bord", "", 7500, 14000,
          "Piet Heins super-elliptiske bord fra Fritz Hansen har ingen hjørner å slå seg på, og "
          "gir god plass rundt bordet."),
    ),
    "resepsjon": (
        M("Kinnarps", "", "resepsjonsdisk", 4500, 12000,
          "Resepsjonsdisk med høy skranke for besøkende og arbeidshøyde på innsiden, med "
          "kabelføring og skuffer."),
        M("EFG", "", "resepsjonsdisk", 3900, 9500,
          "Resepsjonsdisk fra EFG med skranke i lys laminat og plass til to arbeidsplasser."),
        M("Edsbyn", "", "resepsjonsdisk", 6500, 14000,
          "Resepsjonsdisk fra Edsbyn i finér, med lav del som gjør disken tilgjengelig for "
          "rullestolbrukere."),
        M("Martela", "", "resepsjonsdisk", 3500, 8500,
          "Enkel og moderne resepsjonsdisk fra Martela med skranke og lukket front."),
    ),
    "kantinebord": (
        M("Kinnarps", "", "kantinebord", 900, 2400,
          "Kantinebord fra Kinnarps med søylefot og plate i høytrykkslaminat."),
        M("Fora Form", "", "kafébord", 1100, 2900,
          "Kafébord fra Fora Form med slank søylefot, fint i kantine og pauserom."),
        M("Labofa", "", "kantinebord", 900, 2200,
          "Robust kantinebord fra Labofa som er lett å holde rent."),
    ),
}

STORAGE_MODELS: dict[str, tuple[Model, ...]] = {
    "arkivskap": (
        M("Kinnarps", "", "arkivskap med hengemappeskuffer", 1200, 3200,
          "Arkivskap med fullt uttrekk på skuffene, beregnet for hengemapper i A4-format."),
        M("Kinnarps", "", "jalusiskap", 1400, 3500,
          "Jalusiskap med låsbar rullefront og justerbare hyller, som tar lite plass når det "
          "åpnes.",
          kind="cupboard"),
        M("EFG", "", "arkivskap", 1200, 2900,
          "Arkivskap fra EFG med skuffer på kulelagre og sentrallås."),
        M("Bisley", "", "arkivskap i stål", 900, 2400,
          "Bisley er kjent for slitesterke stålskap; skuffene går på kulelagre og har "
          "tippsikring."),
        M("Edsbyn", "", "dokumentskap med dører", 1500, 3900,
          "Dokumentskap fra Edsbyn med låsbare dører og hyller til permer.", kind="cupboard"),
    ),
    "reoler": (
        M("Kinnarps", "", "reol", 900, 2200,
          "Stabil reol fra Kinnarps med flyttbare hyller i full dybde."),
        M("EFG", "", "reol", 800, 1900,
          "Åpen reol fra EFG, fin til permer og ringperm-arkiv."),
        M("Edsbyn", "", "bokhylle", 1200, 3200,
          "Bokhylle fra Edsbyn i finér, med hyller som kan flyttes etter behov."),
        M("Martela", "", "reol", 700, 1800,
          "Enkel og solid reol fra finske Martela."),
    ),
    "skuffeseksjoner": (
        M("Kinnarps", "", "skuffeseksjon på hjul", 700, 1800,
          "Skuffeseksjon på hjul med pennskuff øverst og sentrallås for alle skuffene."),
        M("EFG", "", "skuffeseksjon på hjul", 600, 1600,
          "Skuffeseksjon fra EFG med tre skuffer, lås og myke hjul som ikke merker gulvet."),
        M("Bisley", "", "skuffeseksjon i stål", 700, 1900,
          "Skuffeseksjon i stål fra Bisley, med skuffer på kulelagre."),
        M("Martela", "", "skuffeseksjon", 600, 1500,
          "Skuffeseksjon fra Martela som passer under de fleste skrivebord."),
    ),
    "garderobeskap": (
        M("Kinnarps", "", "garderobeskap", 1500, 3600,
          "Garderobeskap fra Kinnarps med hattehylle, klesstang og låsbare dører."),
        M("Ragnars", "", "garderobeskap", 1400, 3400,
          "Svensk garderobeskap fra Ragnars med hattehylle, klesstang og speil på innsiden av "
          "døren."),
        M("EFG", "", "garderobeskap", 1300, 3200,
          "Garderobeskap fra EFG med to dører, lås og plass til flere jakker."),
    ),
}

LOUNGE_MODELS: dict[str, tuple[Model, ...]] = {
    "bordskjermer": (
        M("Abstracta", "", "bordskjerm", 500, 1500,
          "Lyddempende bordskjerm fra Abstracta som gir ro og skjerming mellom to arbeidsplasser."),
        M("Lintex", "Mood Fabric", "bordskjerm", 600, 1700,
          "Lintex Mood Fabric er en tekstilkledd skjerm med lydabsorberende kjerne."),
        M("EFG", "", "bordskjerm", 400, 1200,
          "Bordskjerm fra EFG med stofftrekk og braketter for bordplater opp til 30 mm."),
        M("Kinnarps", "", "bordskjerm", 400, 1200,
          "Bordskjerm fra Kinnarps med stofftrekk og aluminiumslist."),
    ),
    "gulvskjermer": (
        M("Abstracta", "", "gulvskjerm", 900, 2800,
          "Lydabsorberende gulvskjerm fra Abstracta, som demper samtaler i åpne landskap."),
        M("Lintex", "Mood Fabric", "gulvskjerm", 1100, 3200,
          "Frittstående Lintex Mood Fabric-skjerm med stoff på begge sider."),
        M("Kinnarps", "", "skjermvegg", 700, 2000,
          "Skjermvegg fra Kinnarps på føtter, som kan kobles sammen med flere."),
        M("Martela", "", "skjermvegg", 700, 1900,
          "Frittstående skjermvegg fra Martela."),
    ),
    "whiteboards": (
        M("Lintex", "Edge", "whiteboard", 800, 2400,
          "Lintex Edge har en slitesterk, magnetisk tavleflate i emaljert stål.",
          kind="wall_whiteboard"),
        M("Lintex", "Mood", "mobil whiteboard", 1500, 3900,
          "Mobil whiteboard fra Lintex på hjul, med tavleflate på begge sider."),
        M("Lintex", "", "whiteboard", 600, 1800,
          "Magnetisk whiteboard fra Lintex med aluminiumsramme og pennehylle.",
          kind="wall_whiteboard"),
    ),
    "skrivebordslamper": (
        M("Luxo", "L-1", "arbeidslampe", 400, 1200,
          "Luxo L-1 er den norske arkitektlampen fra 1937, med fjærbalansert arm som blir "
          "stående der du setter den."),
        M("Luxo", "Ninety", "skrivebordslampe med LED", 700, 1800,
          "Luxo Ninety har LED-lys med dimmer og en slank arm som kan stilles i mange vinkler."),
        M("Glamox", "", "skrivebordslampe med LED", 500, 1400,
          "Skrivebordslampe fra Glamox med LED og bordklemme eller fot."),
    ),
    "gulvlamper": (
        M("Glamox", "", "gulvlampe med LED", 1200, 3500,
          "Gulvlampe fra Glamox med direkte og indirekte lys, beregnet for å lyse opp en hel "
          "arbeidsplass."),
        M("Luxo", "", "gulvlampe", 900, 2600,
          "Gulvlampe fra Luxo med justerbart lampehode."),
        M("Louis Poulsen", "AJ", "gulvlampe", 3500, 6500,
          "Arne Jacobsens AJ-lampe fra Louis Poulsen ble tegnet i 1957 og lages fortsatt."),
    ),
    "sofaer": (
        M("Icons of Denmark", "", "2-seter sofa", 3500, 9000,
          "Dansk designsofa fra Icons of Denmark med slanke ben og trekk i slitesterkt ullstoff.",
          kind="loveseat"),
        M("Fora Form", "", "3-seter sofa", 3900, 9500,
          "Norsk sofa fra Fora Form med god sittekomfort og avtakbare puter."),
        M("Fritz Hansen", "Alphabet", "sofa", 6900, 14000,
          "Alphabet fra Fritz Hansen er en modulsofa tegnet av Piero Lissoni, med tynne armlener "
          "og rene linjer."),
        M("Kinnarps", "", "2-seter sofa", 2900, 7500,
          "Kompakt sofa fra Kinnarps, laget for venteområder og møteplasser.", kind="loveseat"),
    ),
    "loungestoler": (
        M("Icons of Denmark", "", "loungestol", 2500, 6500,
          "Loungestol fra Icons of Denmark med høy rygg som gir en rolig krok i et åpent rom."),
        M("Fora Form", "", "loungestol", 2500, 5900,
          "Loungestol fra Fora Form med myk polstring og ben i eik."),
        M("Kinnarps", "", "loungestol", 1900, 4500,
          "Loungestol fra Kinnarps for venteområde og pauserom."),
    ),
}
# fmt: on
