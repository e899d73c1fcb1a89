"""The word lists behind name detection, loaded once: names, common words, public figures, staff."""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex

# Titles and forms of address that make the next capitalised word a name ("Mr. Novak", "Mrs. K",
# "Baby Liam", "Lt. Mike Alvarez", "Councilman Hayes").
TITLES = frozenset("""
mr mrs ms miss mx mister madam dr doctor prof professor lt sgt capt captain col cpl gen rev fr
sir dame baby aunt auntie uncle officer coach nurse judge senator councilman councilwoman
councillor mayor governor rep sen pastor rabbi imam deacon sr jr grandma grandpa granny doc
sheriff trooper nana meemaw memaw grammy gramma pawpaw papaw
""".split())
# Words before a place or a facility ("St. John's", "Lake Michigan", "Mount Sinai").
PLACE_PREFIXES = frozenset("""
st ste saint san santa lake mount mt fort ft port new rua rue via avenida av avda strada paseo
calle carrera camino rambla largo piazza viale vicolo ul ulica box
""".split())
# Place words that start a run of capitalised words ("Port Agate", "San Marcos") or come just
# before a lower-case town ("san antonio"); not "Rue" or "Via", which are also first names.
PLACE_STARTS = frozenset("st ste saint san santa lake mount mt fort ft port".split())
# First names that, written in lower case with no cue, are a clinic's words: characters, toys
# and pet words ("purple dino water bottle", "an elsa sticker", "teddy bear"), and clinical
# and txt shorthand that some locale lists as a name ("our nicu crew", "hip hemi", "edd", "geri
# rounds", "dex 10 mg", "r/o tia", "ros neg", "met irl"), and vehicle brands that are also given
# names ("harley season", "my old kia").
LOWER_WORDS = frozenset("""
dino teddy elmo elsa anna olaf moana simba nemo dory bluey bingo mickey minnie mario luigi barbie
ken woody buzz rudolph frosty skye chase zuma rocky rex bambi ziggy mijo mija bubba bud buddy
nicu picu hemi edd geri dex tia gerd ega ros harley mercedes lexus kia irl abt bc tho thru rn
""".split())
# Lower-case words that a name list holds but that are txt-speak, endearments or clinical
# shorthand, never a name even after a cue ("talk to ur kids abt it", "thx hun!", "my pt's
# foley"): not listed in LOWER_WORDS, whose toys and characters are names after a greeting.
TXT_WORDS = frozenset("""
abt tho thru irl hun darlin bub fella welp hosp endo holter foley gerd ega ros nicu picu vit
""".split())
# First names used in lower case as a slur for a type of person ("ok karen", "don't be a
# chad"): a name only after a greeting ("hi karen!"), not after a comma or on their own.
SLANG_NAMES = frozenset("karen karens chad chads becky beckys".split())
# Words after a capitalised word that make it a place or an organisation ("Chatham High",
# "Springfield Memorial", "Jackson County", "Cameron Parish", "Pecan Hollow Elem",
# "the Ellicottville fall fest").
PLACE_SUFFIXES = frozenset("""
high school elementary middle academy college university institute hospital memorial medical
clinic center centre health healthcare county city town township village street road rd
avenue ave ln drive boulevard blvd ct place plaza square park parkway highway
hwy bridge station airport library church cathedral chapel stadium arena hall mall market
foundation fund inc llc ltd corp co company group partners associates bank insurance pharmacy
labs lab river lake beach bay valley heights hills mountain falls springs island islands
parks department dept fire police gazette times post tribune news weekly daily review journal
box terrace close crossroad crossroads crossing union prairie turnpike gateway bypass flat flats
loop forge forges point pass cove coves trafficway expressway freeway junction route vej gate
gata katu utca tér strasse straße gasse weg laan straat
parish borough boro greens trail creek canyon ranch bluff bluffs estates fest festival rodeo
fairgrounds elem
""".split())
# Facility nouns that make a place of the name before them even in lower case ("the Mary Vinson
# library", "Joe Smith park"); PLACE_SUFFIXES needs a capital, as many of its words are common.
LOWER_FACILITIES = frozenset("""
library elementary hospital clinic park stadium memorial academy church chapel cathedral arena
mall airport bridge museum beach lake river pier causeway trail zoo aquarium marina boardwalk
fairgrounds
""".split())
# A US state written alone is the place ("the Georgia chapter", "back in Virginia"), not a person
# (names.py compares single words; phi_places whole runs, so two-word states are listed too).
US_STATES = frozenset("""
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania
tennessee texas utah vermont virginia washington wisconsin wyoming
""".split()) | {"new york", "new jersey", "new mexico", "new hampshire", "north carolina",
                  "south carolina", "north dakota", "south dakota", "west virginia", "rhode island"}
# Countries and continents: larger than a state, so never a Safe Harbor geographic subdivision
# (45 CFR 164.514(b)(2)(i)(B); ../shared/domain/hipaa.md) and never a person ("a resident in
# Germany").
COUNTRIES = frozenset("""
afghanistan albania algeria argentina armenia australia austria bangladesh belgium bolivia
brazil bulgaria cambodia cameroon canada chile china colombia croatia cuba cyprus denmark
ecuador egypt england estonia ethiopia europe africa asia antarctica finland france germany
ghana greece guatemala haiti honduras hungary iceland india indonesia iran iraq ireland israel
italy jamaica japan jordan kenya korea laos latvia lebanon liberia lithuania mexico mongolia
morocco nepal netherlands nicaragua nigeria norway pakistan panama peru philippines poland
portugal romania russia rwanda scotland senegal serbia singapore slovakia somalia spain
sudan sweden switzerland syria taiwan tanzania thailand turkey uganda ukraine uruguay
venezuela vietnam wales yemen zambia zimbabwe
""".split())
# Months, weekdays, holidays and similar calendar words are never names in this sense.
CALENDAR = frozenset("""
january february march april may june july august september october november december jan feb
mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
mon tue tues wed thu thur thurs fri sat sun christmas easter halloween thanksgiving hanukkah
kwanzaa diwali ramadan eid passover mardi gras juneteenth purim hashanah kippur navidad
english greek french german spanish italian dutch polish czech danish swedish norwegian finnish
irish scottish welsh american british chinese japanese korean russian portuguese brazilian mexican
canadian hungarian turkish arabic hebrew latin african asian european indian
bot user admin iban
""".split())
# Lower-case name particles that may sit inside a full name ("Ludwig van Beethoven").
PARTICLES = frozenset(
    "van von der den de del della di da dos das du le la bin ibn al el ter ten".split())

_SPLIT = regex.compile(r"[\s,]+")
_CREDENTIAL = regex.compile(r"^(?:[A-Z]{2,5}(?:-[A-Z])?|Ph\.?D|M\.?D|D\.?O|R\.?N|N\.?P|PA-C)\.?$")


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, for list lookups."""
    low = text.lower()
    if low.isascii():
        return low
    decomposed = unicodedata.normalize("NFKD", low)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _read_list(name: str) -> frozenset[str]:
    text = resources.files("bedside.guard").joinpath("data", name).read_text(encoding="utf-8")
    # The build script writes words already folded, so loading is a plain split.
    return frozenset(w for w in text.splitlines() if w and not w.startswith("#"))


@dataclass(frozen=True, slots=True)
class NameLists:
    first: frozenset[str]
    last: frozenset[str]
    common: frozenset[str]  # words whose word sense outweighs any name sense


# Given names that words_common.txt lists as words: its frequency test weighs a word against the
# name's share in the 1990 Census, which underrates names popular since (Emma, Liam, Chloe) and
# nicknames (Walt, Deb, Jenny), while web2 lists them in lower case. Their word sense is rare, so
# they are names ("so proud of Emma today"); names that are also real words (Grace, Mason, Jack,
# Willow, Brooklyn) stay words that need evidence.
GIVEN_NAMES = frozenset("""
ava bella ben benny caroline chloe dan deb dylan ellie emma henry jake jenny jess jimmy joe joey
kate kim liam liz lucy luke marco maya mia mila nicky peyton riley sam sebastian sophia ted theo
tom tommy walt wally zoe rowan harper andy kai morgan reagan
""".split())


# Specialty shorthand that a name list also holds: its word sense wins even capitalised at the
# start of a line ("Geri pearl: check the med list"), so as a name it needs a title or a cue.
SHORTHAND = frozenset("geri".split())
# Function words that a locale's given-name list holds; never a name after a cue ("sent his
# patient over").
NOT_FIRST = frozenset("over".split())


@cache
def name_lists() -> NameLists:
    """Load the shipped name and common-word lists (see data/NOTICE-names.md)."""
    return NameLists(_read_list("names_first.txt") - NOT_FIRST, _read_list("names_last.txt"),
                     (_read_list("words_common.txt") | CALENDAR | SHORTHAND) - GIVEN_NAMES)


@dataclass(frozen=True, slots=True)
class PublicFigures:
    full: frozenset[str]  # folded full names, "jonas salk"
    alone: frozenset[str]  # folded distinctive surnames, "osler"


_LETTERS = regex.compile(r"[\p{L}\p{M}]+")


def _name_key(text: str) -> str:
    words = [w for w in _LETTERS.findall(fold(text)) if w not in TITLES]
    return " ".join(words)


@cache
def public_figures() -> PublicFigures:
    """Load data/names_public.toml: public figures and historical physicians."""
    raw = resources.files("bedside.guard").joinpath("data", "names_public.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    full: set[str] = set()
    alone: set[str] = set()
    for entry in data["figures"]:
        key = _name_key(entry["name"])
        full.add(key)
        if entry.get("alone"):
            alone.add(key.split()[-1])
    return PublicFigures(frozenset(full), frozenset(alone))


def is_public(text: str) -> bool:
    """True when `text` names a listed public figure ("Dr. Jonas Salk", "Osler", "Fauci")."""
    key = _name_key(text.removesuffix("'s").removesuffix("’s"))
    if not key:
        return False
    figures = public_figures()
    if key in figures.full:
        return True
    words = key.split()
    if len(words) == 1:
        return words[0] in figures.alone
    # "John Snow" must match in full; "Anthony S. Fauci" drops the middle initial.
    trimmed = " ".join(w for w in words if len(w) > 1)
    return trimmed in figures.full or (words[-1] in figures.alone and len(words) <= 3)


@cache
def address_words(addresses: tuple[str, ...]) -> frozenset[str]:
    """The folded capitalised words of the practice's own addresses ("Port Agate", "Jetty"):
    its street and town are never a person's name in its own posts."""
    return frozenset(fold(w) for a in addresses for w in _LETTERS.findall(a)
                     if len(w) > 1 and w[0].isupper() and fold(w) not in TITLES)


@cache
def staff_names(staff: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """Each staff member's folded name words, titles and credentials removed."""
    people: list[frozenset[str]] = []
    for entry in staff:
        head = entry.split(",")[0]
        words = [w.strip(".") for w in _SPLIT.split(head) if w]
        keep = [fold(w) for w in words
                if w and fold(w) not in TITLES and not _CREDENTIAL.match(w) and w[0].isalpha()]
        if keep:
            people.append(frozenset(keep))
    return tuple(people)
