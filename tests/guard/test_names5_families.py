"""Name detection by family: words, pets, eponyms, places, businesses and sponsors that are no
person's name, and the shapes of a name that messy writing uses ("jess r.", "Kaminski family")."""

from __future__ import annotations

import pytest

from bedside.guard.context import Practice
from bedside.guard.names import find_names, is_public_name
from bedside.guard.normalize import normalize

PRACTICE = Practice(
    name="Lakeside Family Medicine",
    staff=("Dr. Anita Patel", "Megan Kowalczyk, AuD", "Kim Ortiz, RN"),
)


def names(text: str) -> list[str]:
    found = find_names(normalize(text), PRACTICE)
    for e in found:
        assert text[e.start:e.end] == e.text
    return [e.text for e in found if not e.own]


NOT_NAMES = [
    # acronyms with a small letter inside: lab tests and credentials
    "thats not how IgE panels work, a positive test is not an allergy",
    "IgG4 and IgA levels came back normal",
    "hearing screenings w/ our AuD every thurs",
    "our new PsyD starts monday, welcome aboard",
    "she finished her PharmD last spring",
    # txt-speak and endearments that a name list holds, after a kin cue or in lower case
    "talk to ur kids abt it w/o the scare tactics",
    "told my pt abt the new portal",
    "thx hun! see u at the 5k",
    "my kids tho, always sick in december",
    "low vit d. in winter, take ur supplements",
    # a first name as a slur for a type of person, in lower case
    "we went to school for this, karen",
    "ok karen, we still need ur insurance card",
    "dont be a karen at the front desk pls",
    # pets
    "has a dog named Moose who is v good",
    "our therapy dog Biscuit is in the lobby tuesdays",
    "Biscuit, our clinic cat, says hi to everyone",
    "Moose the therapy dog is back from vacation",
    "the barn cat named Tater had kittens lol",
    # eponyms: tests, signs, devices, diseases
    "so glad the spins r gone since ur Epley maneuver on thurs",
    "3cm Mohs defect L nasal ala",
    "pulled the Foley catheter this am",
    "Apgar score of 9 at five minutes",
    "new case of Bell's palsy this week",
    "a Jones fracture from a misstep",
    # a patient's thing, not a name after a possessive kin word
    "3rd denial on this pt's Entyvio. member ID pending",
    "my mom's Camry got towed",
    # places: parish, borough, county-like words; ships on military addresses
    "back from duck camp in Cameron Parish (limited out)",
    "flood relief in Terrebonne Parish this wknd",
    "we moved the clinic to Wilkinsburg Borough last yr",
    "It was sent to USNS Bergman FPO AP 93757",
    "meet me at the Winslow VFW at 6",
    "the charter boat captain out of Cortez",
    # businesses and sponsors
    "THANK YOU to the Guidry family & Guidry's Boil House for sponsoring our 5K",
    "huge thanks to Rosa's Bakery for the cookies",
    "this year's walk is sponsored by the Hebert family",
    "grab lunch at Mike's Feed & Seed after",
    # g-dropped farm work, not a name
    "its calvin season yall, watch ur backs",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_not_names(text: str) -> None:
    assert names(text) == []


NAMES = [
    # a lower-case first name with an initial
    ("POD1 check on jess r. this morning ☀️ JPs look great", ["jess r"]),
    ("so proud of my pt jayden m. who is finally home", ["jayden m"]),
    ("Big day for tasha w. and her new baby", ["tasha w"]),
    # a surname with "family" after it, without "the"
    ("Kaminski family — the fax u sent came thru blank", ["Kaminski"]),
    ("Nguyen family, we got ur records request", ["Nguyen"]),
    # a slur name is still a name after a greeting or in a list of names
    ("hi karen! see u at ur recheck", ["karen"]),
    ("they had 3: kristina, chad and caleb.", ["kristina", "chad", "caleb"]),
    # a person's surgery is a person's (possessive, not a disease word)
    ("Maria's surgery went great today", ["Maria"]),
    # a titled name keeps its eponym-like word
    ("Mrs. Bell's palsy is much better", ["Bell"]),
    # a pet word after the name does not hide a person
    ("Sandra, our favorite patient, brought her dog", ["Sandra"]),
    ("my dog and Sandra went for a walk", ["Sandra"]),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_family_practice_is_no_household() -> None:
    assert names("Come see us at Garcia Family Practice") == []


HANDLES = [
    # a first name with an initial glued on leads the handle
    ("@sarahb_716 so glad the new aids r working for u", ["sarah"]),
    ("@ashleyt1994 we got ur msg", ["ashley"]),
    ("thx @marcusj.fit for the shoutout", ["marcus"]),
    # a name after a form of address that is its own part of the handle
    ("@lsu_mama_dee aww thank u!!", ["dee"]),
    ("@lake_nana_june thx for the pie", ["june"]),
    # no name: an organisation's handle, a word with a letter
    ("follow @mayoclinic for more", []),
    ("@theboss_22 hi", []),
]


@pytest.mark.parametrize(("text", "expected"), HANDLES)
def test_handles(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_practice_name_is_no_person() -> None:
    practice = Practice(name="Magnolia Digestive & Infusion Center", staff=("Dr. Ana Haddad",))
    found = find_names(normalize("Happy game day from the Magnolia crew"), practice)
    assert found == []
    found = find_names(normalize("Happy game day from Magnolia Jones"), practice)
    assert [e.text for e in found] == ["Magnolia Jones"]


@pytest.mark.parametrize("text", [
    "Mardi Gras closure: both offices closed Tue",
    "happy Juneteenth from all of us",
    "a Cochrane review found fluoride varnish cuts cavities",
    "she is a fellowship-trained Mohs surgeon",
    "per Guinness he broke 433 bones",
])
def test_holidays_reviews_and_records_are_no_names(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(("text", "public"), [
    ("Katie Couric", True),
    ("Couric", True),
    ("Dr. Frederic Mohs", True),
    ("Mohs", True),
    ("Hoda Kotb", True),
    ("Al Roker", True),
    ("Roker", False),  # a surname shared by others: only the full name
    ("Katie Smith", False),
])
def test_public_figures_who_made_screening_public(text: str, public: bool) -> None:
    assert is_public_name(text) is public


@pytest.mark.parametrize(("text", "expected"), [
    # a surname in the plural after "the" is a household
    ("the Hendersons came in together for flu shots", ["Hendersons"]),
    ("the Lopezes brought tamales for the front desk", ["Lopezes"]),
    ("so good to see the Joneses back", ["Joneses"]),
    # teams and words in the plural are not
    ("go Packers! the Steelers suck", []),
    ("the Lakers won so clinic is in a good mood", []),
    ("the Browns lost again", []),
    # eponymous diseases after a possessive
    ("Hashimoto's thyroiditis is common in women", []),
    ("Morton's neuroma flared up on the run", []),
])
def test_households_teams_and_eponyms(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize("text", ["Taylor Swift", "Travis Kelce", "Kelce", "Johns Hopkins"])
def test_entertainers_and_namesakes_are_public(text: str) -> None:
    assert is_public_name(text)
