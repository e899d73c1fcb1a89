"""Personal names: true and false cases with exact spans, staff as own, public figures."""

from __future__ import annotations

import pytest

from bedside.guard.context import Practice
from bedside.guard.names import find_names, is_public_name
from bedside.guard.normalize import normalize

PRACTICE = Practice(
    name="Lakeside Family Medicine",
    staff=("Dr. Anita Patel", "Dr. Marcus Lee", "Kim Ortiz, RN", "Jamal Brooks, PA-C"),
)


def names(text: str, practice: Practice = PRACTICE) -> list[tuple[str, bool]]:
    found = find_names(normalize(text), practice)
    for e in found:
        assert e.type == "NAME"
        assert text[e.start:e.end] == e.text
    return [(e.text, e.own) for e in found]


def spans(text: str) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in find_names(normalize(text), PRACTICE)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # full names, titled names, initials
        ("Does anyone know how to reach Darnell Wright? He left his meter.", ["Darnell Wright"]),
        ("Shout-out to our patient Lt. Mike Alvarez of the fire station!", ["Mike Alvarez"]),
        ("Mr. Novak, we can't refill that without a visit.", ["Novak"]),
        ("Posting this pic of Mrs. K's heel wound.", ["K"]),
        ("Thanks for the 5 stars, Marcus T.! Feel better!", ["Marcus T"]),
        ("Selfie with my favorite patient! Miss Dorothy, you are a star.", ["Dorothy"]),
        ("Look who came back! Baby Liam spent six weeks in the NICU.", ["Liam"]),
        ("Sat with the Okafor family last night.", ["Okafor"]),
        ("Caught a baby boy for the Hendricks family this morning.", ["Hendricks"]),
        # first names alone, greetings, vocatives
        ("Marisol just hit six months smoke-free.", ["Marisol"]),
        ("Thank you, Greg! See you at your follow-up.", ["Greg"]),
        ("Hi Sandra, we're so sorry you waited.", ["Sandra"]),
        ("Denise, I remember your visit.", ["Denise"]),
        ("Hi Vinicio, I'm contacting you about a problem.", ["Vinicio"]),
        ("My name is Rubija and I need help.", ["Rubija"]),
        ('"I\'m glad to hear that," says Iwase.', ["Iwase"]),
        # popular given names that the word list reads as words: names on their own
        ("So proud of Chloe today, her cast is off.", ["Chloe"]),
        ("Liam and Zoe came in for their shots.", ["Liam", "Zoe"]),
        # common words that are names only with evidence
        ("Mr. Young was back today.", ["Young"]),
        ("We sent flowers to Will Jansen and his wife.", ["Will Jansen"]),
        # lower case and messy text
        ("saw mrs garcia today, she's doing great", ["garcia"]),
        ("thx jenny! see u soon", ["jenny"]),
        ("eva kleist lives down the road", ["eva kleist"]),
        # names inside web addresses
        ("Please help: gofundme.example/kayla-strong-fight", ["kayla"]),
        # shorthand words stay names with a cue or a title; a patient initial after "Mrs."
        ("Hi Geri, thanks so much for the kind words!", ["Geri"]),
        ("Mrs. I came in with her whole family today.", ["I"]),
        # family and civic forms of address
        ("Meemaw Ottilie never misses her follow up", ["Ottilie"]),
        ("Sheriff Dale stopped by for his BP check", ["Dale"]),
        # txt-speak thanks before a name
        ("thank u Rosalind, the front desk loved the card", ["Rosalind"]),
        ("thnx marisol!! see u at ur next appt", ["marisol"]),
        # international names and address blocks
        ("Krisztián Szöllösy listed his top 20 songs.", ["Krisztián Szöllösy"]),
        ("Name: Iva D. Grusová\nAddress: PSC 6695, Box 2353", ["Iva D. Grusová"]),
        ("Is there a better pop song? Kadiev and Adams were engineers.", ["Kadiev", "Adams"]),
    ],
)
def test_finds_names(text: str, expected: list[str]) -> None:
    assert [t for t, _ in names(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Medicare Annual Wellness Visits are covered with no copay.",
        "Ask us about Ozempic and other GLP-1 options.",
        "Join us at the Springfield Community Health Fair on Saturday!",
        "We'll be closed Tuesday and all of May.",
        "Shout-out to our front desk team. Thank you! Happy Friday!",
        "Wild night in the ER at Springfield Memorial last night.",
        "Sat with the family at St. John's as their dad passed.",
        "Congrats to the Chatham High volleyball team!",
        "Will you get your flu shot? Hope so! Mark your calendars.",
        "Grant applications for rural clinics open in April.",
        "Grace under pressure: Mason jars of Jack cheese for the staff party.",
        "Finished the 1000-piece Starry Night puzzle this weekend.",
        "Parking heads-up: road work on Harbor Road starts next week.",
        "Billing questions now have their own inbox.",
        "Greetings from Cancún! Margaritas on the beach.",
        "He lives at 6076 Piroska u. 97, Porto Alegre, RS.",
        "To the lady in room 4: you are NOT welcome back.",
        "Email the patient at mgz1984@example.com today.",
        # a lone first name after "in" is a town; a run that starts with a place word
        "Our team spoke at a conference in Austin last week.",
        # specialty shorthand and vehicle brands that a name list also holds
        "Geri tip: start low, go slow with any new sedative.",
        "geri consult done, dex 6 mg given on the floor",
        "finally sold my old kia and bought a harley, wish me luck",
        "r/o tia vs migraine, ros otherwise neg, finally met my fave mutual irl",
        "thank you so much for the flowers and thank u all so much",
        # "I" after a form of address is the pronoun
        "Coach I swear the knee is fine, he told me at the visit",
        "Glad the new brace is helping! -Doc R",
        "Now open: a new office near Tyler, with evening hours.",
        "Come to the fun run at Lake Travis on Sunday.",
        "",
    ],
)
def test_no_names(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # lower case: a name that is also a word only right after a greeting
        ("hey mark, see you soon", [(4, 8)]),
        ("GO BEARS! hi mark", [(13, 17)]),
        ("we will mark your chart", []),
        # lower case after other cues, and after a lower-case title
        ("thank you so much greta", [(18, 23)]),
        ("my kid's friend sandra came", [(16, 22)]),
        ("the okafor family came by", [(4, 10)]),
        ("saw dr patel today", [(7, 12)]),
        ("saw mrs GARCIA today", [(8, 14)]),
        # a lower-case initial after a lower-case title; not an article, a slash or "ms" (MS)
        ("mrs j (ninety!) danced at her discharge", [(4, 5)]),
        ("changed ms k's dressing", [(11, 12)]),
        ("dx ms a few years ago, hx of mr s/p repair", []),
        ("we miss u at practice", []),
        # a lower-case first name that is also a word joins the name after it
        ("reading up on tommy john and his elbow", [(14, 24)]),
        # a plural noun is no lower-case name
        ("ER docs see tons of fireworks burns", []),
        ("the NICU team and the ER", []),
        # hyphens, accents, emoji in lower-case writing
        ("thx mary-jane!", [(4, 13)]),
        ("thx josé!", [(4, 8)]),
        ("eva kleist lives down the road 🙂", [(0, 10)]),
        ("we love our patients so much", []),
        # words in capitals are emphasis: the text is still lower-case writing
        ("brought nadia her cast today and she was SO brave", [(8, 13)]),
        # lower case: towns, toys and a greeting passed on are not names
        ("road trip to san antonio, then a day near austin", []),
        ("left a green dino cup and an elsa sticker at the desk", []),
        ("kim says hi back to everyone", [(0, 3)]),
        ("hi back pain crew", []),
        # endearments and patient roles before a lower-case name; a first name that is also a
        # word only when no word follows it in the clause
        ("so proud of brave kenzie today", [(18, 24)]),
        ("shoutout to our NICU grad hazel!! 🎉", [(26, 31)]),
        ("my son will be fine", []),
        ("welcome baby girl everly 💕", [(18, 24)]),
        ("the patient may", []),
        # a reply that opens by calling its reader by name, even in capitals
        ("JOAN!! so happy for u", [(0, 4)]),
        ("Kay, we are sorry you waited", [(0, 3)]),
        ("HOPE, you are doing ok", []),
        ("WOW! you did it", []),
        ("JOAN!! great news today", []),
        # "the X twins/kids/place": a family's name; not a capitalised building
        ("the Okoro triplets went home today", [(4, 9)]),
        ("Stopped by the ramirez place after Clinic", [(15, 22)]),
        ("a letter from the White House", []),
        # an initial with its dot after "pt", "patient" or "client"
        ("my client r. finally slept through the night", [(10, 11)]),
        ("our patient D. walked today", [(12, 13)]),
        ("pt x 3 days, pt s/p ORIF, pt e.g. said", []),
        # a lone capital or a common word does not hide the name after it
        ("I think Marisol is great", [(8, 15)]),
        ("Call me Ishmael, said the sailor", [(8, 15)]),
        # web addresses: found in any case, dates with "/" are not addresses, e-mail is masked
        ("Donate at WWW.EXAMPLE.ORG/kayla-fund or call 24/7", [(26, 31)]),
        ("see https://example.org/a and ask Marisol", [(34, 41)]),
        ("Marisol (marisol@example.com) says hi", [(0, 7)]),
        ("write to kayla.smith@example.com today", []),
        # handles: a leading first name that is also a word, a title or first name glued on
        ("congrats @jenny.lake.swims!", [(10, 15)]),
        ("@nursebeatriz thank you", [(6, 13)]),
        ("@marcusokafor see you", [(1, 13)]),
        ("@hope_floats and @will2win and @mark.my.words", []),
        ("@momlife_tx @carterfamily @westlakeortho", []),
        # a first name that ends a handle before digits, or follows "by" (a maker's handle)
        ("big hugs to @brave_lil_dude_hunter07 today", [(28, 34)]),
        ("check out @nailsbyrosa for the mani", [(18, 22)]),
        ("new ink from @tattoos.by.gavin", [(25, 30)]),
        ("@skin_by_the_sea @lullaby_songs @standbyme @big_bad_wolf", []),
        ("@the_dino_club and @tot_lady", []),
        # an initial glued to a surname that is not a word
        ("@mgonzalez_tx thanks for the note", [(1, 10)]),
        ("@jcrew @tbone @ihop @ecarefamily @tater_tot", []),
        # a name stretched for emphasis
        ("ty @jessicaaa_b for the sweet note", [(4, 13)]),
        ("@yessss_queen @hiiii_there @zzzz_sleepy", []),
    ],
)
def test_scan_paths(text: str, expected: list[tuple[int, int]]) -> None:
    assert spans(text) == expected


def test_exact_spans_in_original_text() -> None:
    text = "Hi Sandra, Mr. Hal Burton and Baby Liam say hi"
    assert spans(text) == [(3, 9), (15, 25), (35, 39)]


def test_spans_map_through_normalisation() -> None:
    # A zero-width space and a full-width letter are removed or folded in the text layer;
    # the span still points at the original characters.
    text = "Thank you, G\u200bre\uff47!"
    found = find_names(normalize(text), PRACTICE)
    assert [(e.start, e.end) for e in found] == [(11, 16)]
    assert found[0].text == "G\u200bre\uff47"


def test_possessive_is_not_in_the_span() -> None:
    assert names("Before and after: Jen's 6-month transformation.") == [("Jen", False)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Novak, as Dr. Patel explained during your visit", [("Novak", False),
                                                                 ("Patel", True)]),
        ("Join Kim Ortiz, RN, for a cooking demo.", [("Kim Ortiz", True)]),
        ("Welcome to the team, Jamal Brooks, PA-C! Jamal joins us.",
         [("Jamal Brooks", True), ("Jamal", True)]),
        ("Thank you, Greg! Dr. Lee referred you.", [("Greg", False), ("Lee", True)]),
        ("Kim says hi!", [("Kim", True)]),
        ("Happy Doctors' Day to Dr. Anita Patel and Dr. Marcus Lee!",
         [("Anita Patel", True), ("Marcus Lee", True)]),
        ("Dr. Reynolds from cardiology never called back.", [("Reynolds", False)]),
        # "Doc" is a form of address: left out of the span, so staff are still recognised
        ("a 5 star review: 'Doc Lee listened to me!'", [("Lee", True)]),
        ("Doc Reynolds sent his patient over", [("Reynolds", False)]),
        # staff and volunteers introduced by their role, though the profile does not list them
        ("big thanks to our scheduler Lorena for the donuts", [("Lorena", True)]),
        ("Mr. Hadley, who has volunteered at our welcome desk for years, retires",
         [("Hadley", True)]),
        ("Lorena, our fabulous front desk coordinator, turns 60!", [("Lorena", True)]),
        ("Lorena, our sweetest patient, turns 60!", [("Lorena", False)]),
        ("our patient Lorena brought cookies", [("Lorena", False)]),
    ],
)
def test_staff_are_own(text: str, expected: list[tuple[str, bool]]) -> None:
    assert names(text) == expected


def test_own_address_is_no_name() -> None:
    practice = Practice(addresses=("12 Heron Way, Port Agate, OR 97366",))
    text = "Free clinic at the Port Agate library; Agate and Heron parking is free."
    assert names(text, practice) == []
    assert names("Mrs. Agate came by.", practice) == [("Agate", False)]  # titled: a person
    assert names("Beach day in Port Agate!") == []  # a place word starts the run


def test_locative_keeps_people() -> None:
    assert [t for t, _ in names("a card from Kyle came today")] == ["Kyle"]
    assert [t for t, _ in names("we met in Kyle's room")] == ["Kyle"]


def test_staff_depend_on_the_practice() -> None:
    assert names("Kim says hi!", Practice()) == [("Kim", False)]
    assert names("Dr. Patel explained it.", Practice()) == [("Patel", False)]


@pytest.mark.parametrize(
    ("text", "public"),
    [
        ("Hippocrates", True),
        ("Osler", True),
        ("William Osler", True),
        ("Semmelweis", True),
        ("Ignaz Semmelweis", True),
        ("Harold Gillies", True),
        ("Sir Harold Gillies", True),
        ("Archibald McIndoe", True),
        ("Joseph Murray", True),
        ("Murray", False),
        ("Anthony Fauci", True),
        ("Fauci", True),
        ("Jonas Salk", True),
        ("Dr. Jonas Salk", True),
        ("Virginia Apgar", True),
        ("John Snow", True),
        ("Snow", False),  # a common surname alone is not enough
        ("Charles Best", True),
        ("Best", False),
        ("Ruth Ellison", False),
        ("Darnell Wright", False),
        # athletes and public people known for their health, sports-medicine pioneers
        ("Simone Biles", True),
        ("Biles", True),
        ("Frank Jobe", True),
        ("Tommy John", True),
        ("Michael J. Fox", True),
        ("Lou Gehrig's", True),
        ("Beyoncé", True),
        ("Brooke Shields", True),
        ("Ignacio Ponseti", True),
        ("Kobe Bryant", True),
        ("Bryant", False),  # a common surname alone: a patient may bear it
        ("John", False),
        ("Harry", False),
        ("Ross", False),
        ("", False),
    ],
)
def test_public_figures(text: str, public: bool) -> None:
    assert is_public_name(text) is public


def test_historical_physician_is_found_and_public() -> None:
    found = find_names(normalize("In 1854 Dr. John Snow mapped cholera deaths."), PRACTICE)
    assert [e.text for e in found] == ["John Snow"]
    assert is_public_name(found[0].text)
