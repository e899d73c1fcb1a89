"""Identifier recognisers: spans, types, the practice's own details and overlap resolution."""

from __future__ import annotations

import pytest

from bedside.guard.context import Practice
from bedside.guard.dates import is_year_only
from bedside.guard.identifiers import find_entities
from bedside.guard.normalize import normalize
from bedside.guard.numbers import luhn

PRACTICE = Practice(
    name="Harbor Family Care",
    phones=("(555) 010-2000",),
    emails=("hello@harborfc.example",),
    addresses=("120 Harbor Road, Springfield, IL 62704",),
    websites=("https://harborfc.example",),
)


def _found(text: str, practice: Practice = PRACTICE) -> list[tuple[str, str]]:
    return [(e.type, e.text) for e in find_entities(normalize(text), practice) if e.type != "NAME"]


@pytest.mark.parametrize(
    ("text", "etype", "span"),
    [
        ("call her at (555) 304-8821 tonight", "PHONE", "(555) 304-8821"),
        ("ring me on +44 20 7946 0958 pls", "PHONE", "+44 20 7946 0958"),
        ("mobile: 0490 39 07 81", "PHONE", "0490 39 07 81"),
        ("They're not answering at 78 651 450", "PHONE", "78 651 450"),
        ("Fax: 312-555-0199", "FAX", "312-555-0199"),
        ("mail me at jo.smith+x@example.org today", "EMAIL", "jo.smith+x@example.org"),
        ("SSN 412-38-9920 on file", "SSN", "412-38-9920"),
        ("tax id 911-70-1234", "SSN", "911-70-1234"),
        ("card 4111 1111 1111 1111 declined", "ACCOUNT", "4111 1111 1111 1111"),
        ("iban DE89 3704 0044 0532 0130 00 ok", "ACCOUNT", "DE89 3704 0044 0532 0130 00"),
        ("patient with account #LFM-220847 please call", "ACCOUNT", "LFM-220847"),
        ("mrn 00482913, recurrent hypercalcemia", "MRN", "00482913"),
        ("pulled up chart #5521907 again", "MRN", "5521907"),
        ("Member ID BCX448210937 denied", "HEALTH_PLAN_ID", "BCX448210937"),
        ("group 00917 on the form", "HEALTH_PLAN_ID", "00917"),
        ("medicare 1EG4-TE5-MK73", "HEALTH_PLAN_ID", "1EG4-TE5-MK73"),
        ("DEA number AB1234563 on the script", "LICENSE", "AB1234563"),
        ("the truck with plate IL 8KX 442 again", "VEHICLE", "IL 8KX 442"),
        ("his tag 7TRR 21 was on the intake sheet", "VEHICLE", "7TRR 21"),
        ("VIN 1HGCM82633A004352 from the crash", "VEHICLE", "1HGCM82633A004352"),
        ("pacemaker serial PJN612345H noisy", "DEVICE_ID", "PJN612345H"),
        ("Natrelle Inspira, serials 17-0923-88 + 17-0923-91", "DEVICE_ID", "17-0923-88"),
        ("the silver F-250, plate 8MZK214, parked across 3 spots", "VEHICLE", "8MZK214"),
        ("MAC 00:1A:2B:3C:4D:5E", "DEVICE_ID", "00:1A:2B:3C:4D:5E"),
        ("logged from 10.0.0.12 twice", "IP", "10.0.0.12"),
        ("donate at gofundme.example/kayla-fight 💛", "URL", "gofundme.example/kayla-fight"),
        ("see https://example.org/a?b=1.", "URL", "https://example.org/a?b=1"),
        ("we scanned her fingerprints", "BIOMETRIC", "fingerprints"),
        ("a 94-year-old with sepsis", "AGE_OVER_89", "94-year-old"),
        ("ninety-one years old and sharp", "AGE_OVER_89", "ninety-one years old"),
        ("her 100th birthday party", "AGE_OVER_89", "100th birthday"),
        ("92 y/o M with CP", "AGE_OVER_89", "92 y/o"),
        ("happy 101st bday to Edna", "AGE_OVER_89", "101st bday"),
        ("she turned 94 last week", "AGE_OVER_89", "turned 94"),
        # spelled out, with "yrs young" or "y/o", or standing alone between punctuation
        ("gramps is ninety seven yrs young", "AGE_OVER_89", "ninety seven yrs young"),
        ("a ninety-one y/o on the ward", "AGE_OVER_89", "ninety-one y/o"),
        ("mrs k (NINETY EIGHT!) walked", "AGE_OVER_89", "NINETY EIGHT"),
        ("chart says 1931. ninety-five. still drives", "AGE_OVER_89", "ninety-five"),
        ("she turned a hundred and one", "AGE_OVER_89", "turned a hundred and one"),
        ("mbr id# 8841200377 denied", "HEALTH_PLAN_ID", "8841200377"),
        ("mem id 660012345 on the card", "HEALTH_PLAN_ID", "660012345"),
        ("the house on Osprey Ct", "GEO", "Osprey Ct"),
        ("we'll recheck her on the 9th, see u then", "DATE", "on the 9th"),
        ("confirmed for Thursday 3/21 at 10:15am.", "DATE", "Thursday 3/21 at 10:15am"),
        ("DOB 03/14/1941", "DATE", "03/14/1941"),
        ("seen on March 3, 2024 in clinic", "DATE", "March 3, 2024"),
        ("came in at 3:12 this morning", "DATE", "3:12 this morning"),
        ("rolled in at 2am with a fork", "DATE", "2am"),
        ("admitted yesterday", "DATE", "yesterday"),
        ("born on Christmas Eve", "DATE", "Christmas Eve"),
        ("closed Dec 24-25 for the holidays", "DATE", "Dec 24-25"),
        ("coming to us since 1978, still", "DATE", "1978"),
        ("drove out to 418 Birch Lane after clinic", "GEO", "418 Birch Lane"),
        ("she lives at Hammarvägen 15 now", "GEO", "Hammarvägen 15"),
        ("moved to Rue de Piétrain 371", "GEO", "Rue de Piétrain 371"),
        ("Suite 727 on the 3rd floor", "GEO", "Suite 727"),
        ("send it to PO Box 149", "GEO", "PO Box 149"),
        ("Springfield, IL 62704 is home", "GEO", "IL 62704"),
        ("crash on Maple Street last week", "GEO", "Maple Street"),
        ("my zip code is 60614", "GEO", "60614"),
    ],
)
def test_finds(text: str, etype: str, span: str) -> None:
    assert (etype, span) in _found(text)


@pytest.mark.parametrize(
    ("text", "etype"),
    [
        ("baby was 9 lb 2 oz at birth", "DATE"),
        ("a quick 15-minute visit and a 2-week check", "DATE"),
        ("CHA2DS2-VASc of 5, anticoagulate", "DATE"),
        ("101° fever for 30 days", "DATE"),
        ("BP 120/80 and pain 3/10", "DATE"),
        ("open 24/7 for you", "DATE"),
        ("we treated 2000 patients", "DATE"),
        ("you may call us", "DATE"),
        ("she is 89 years old", "AGE_OVER_89"),
        ("he turned 21 today", "AGE_OVER_89"),
        ("a 67F with a cough", "AGE_OVER_89"),
        ("ninety-three percent of kids got the shot", "AGE_OVER_89"),
        ("turned ninety minutes into two hours", "AGE_OVER_89"),
        ("the ninety day refill", "AGE_OVER_89"),
        ("our team has 12 mbrs now", "HEALTH_PLAN_ID"),
        ("the clinic is on the 2nd floor", "DATE"),
        ("ratio 1:2:3:4 and version 1.2.3", "IP"),
        ("card 4012-8888-8888-1882 bounced", "ACCOUNT"),
        ("take 2 Tylenol 500 mg", "GEO"),
        ("during the night shift 3 patients walk", "GEO"),
        ("exam room 4 this morning", "GEO"),
        ("NPI 1245319599", "PHONE"),
        ("NPI 1245319599", "LICENSE"),
        ("SSN 078-05-1120 is the Woolworth sample", "SSN"),
        # "tag 2 friends": a plate needs three characters
        ("tag 2 friends to enter the giveaway", "VEHICLE"),
        ("pls tag 10 pals below", "VEHICLE"),
        ("we serve 3 plates of food at the 2024 gala", "VEHICLE"),
        ("the podcast ran 2 serials in 2023 and 2024", "DEVICE_ID"),
    ],
)
def test_does_not_find(text: str, etype: str) -> None:
    assert [t for t, _ in _found(text) if t == etype] == []


def test_spans_point_into_original_text() -> None:
    text = "Ｃall (555)\u200b 304-8821 or mail ＡＢ@example.com"
    for e in find_entities(normalize(text), Practice()):
        assert text[e.start : e.end] == e.text
    types = {e.type for e in find_entities(normalize(text), Practice())}
    assert {"PHONE", "EMAIL"} <= types


@pytest.mark.parametrize(
    ("text", "etype", "own"),
    [
        ("call us at 555.010.2000 to book", "PHONE", True),
        ("call 555-771-0392 back", "PHONE", False),
        ("write HELLO@harborfc.example", "EMAIL", True),
        ("or billing@harborfc.example", "EMAIL", True),
        ("from tomhunts@example.com", "EMAIL", False),
        ("book at harborfc.example/book", "URL", True),
        ("visit www.harborfc.example", "URL", True),
        ("see other.example/x", "URL", False),
        ("find us at 120 Harbor Road", "GEO", True),
        ("she lives at 418 Birch Lane", "GEO", False),
    ],
)
def test_own_details(text: str, etype: str, own: bool) -> None:
    ents = [e for e in find_entities(normalize(text), PRACTICE) if e.type == etype]
    assert ents and all(e.own is own for e in ents)


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        ("https://example.org/call/5553048821", "URL", "PHONE"),
        ("at 1977 Birch Lane", "GEO", "DATE"),
        ("mail bob2001@example.com", "EMAIL", "DATE"),
    ],
)
def test_overlaps_resolved(text: str, kept: str, dropped: str) -> None:
    types = [t for t, _ in _found(text)]
    assert kept in types and dropped not in types


def test_sorted_and_deduplicated() -> None:
    text = "Seen 3/21/2024, call 312-555-0199, 3/21/2024 again"
    ents = find_entities(normalize(text), Practice())
    keys = [(e.start, e.end, e.type) for e in ents]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert all(a.end <= b.start for a, b in zip(ents, ents[1:], strict=False))


@pytest.mark.parametrize(
    ("text", "year_only"), [("1978", True), ("since 1978", True), ("3/21", False), ("today", False)]
)
def test_is_year_only(text: str, year_only: bool) -> None:
    assert is_year_only(text) is year_only


@pytest.mark.parametrize(
    ("digits", "ok"), [("4111111111111111", True), ("4111111111111112", False), ("0", True)]
)
def test_luhn(digits: str, ok: bool) -> None:
    assert luhn(digits) is ok


@pytest.mark.parametrize(
    ("text", "etype", "span"),
    [
        ("finished in 3:58:12 today", "DATE", "today"),  # a duration is not a clock time
        ("seen the 3rd of May", "DATE", "the 3rd of May"),
        ("discharged the day before yesterday", "DATE", "the day before yesterday"),
        ("back in March for a recheck", "DATE", "March"),
        ("MRN00482913 flagged", "MRN", "00482913"),
        ("rang ٠١٢ then SSN 412-38-9920", "SSN", "412-38-9920"),  # non-ASCII digits: slow path
        ("see https://example.org/x or www.example.com", "URL", "www.example.com"),
    ],
)
def test_anchored_finds(text: str, etype: str, span: str) -> None:
    assert (etype, span) in _found(text)


def test_duration_is_not_a_date() -> None:
    assert [s for t, s in _found("finished in 3:58:12 today") if t == "DATE"] == ["today"]


def test_scan_sees_digits_and_words() -> None:
    from bedside.guard.spans import scan

    sc = scan("Call 555-0132 on Monday, café 7")
    assert sc.runs == ((5, 8), (9, 13), (30, 31)) and sc.digits == 8
    assert sc.words.get("monday") == [17] and not sc.exotic
    assert scan("room ٣").exotic


# Texts where every recogniser has work: the anchored search (spans.py, address_starts.py) must
# find what a scan of every position finds.
_ANCHOR_TEXTS = [
    "drove out to 418 Birch Lane after clinic, then 12 O'Connor-Smith St. for lunch",
    "moved to Rue de Piétrain 371, Liège; also 14, 16 Avenida da Liberdade",
    "she lives at Hammarvägen  15 now, near Friedhofstraße 33 and Erzsébet tér 19.",
    "send it to P. O. Box 149 or PSC 1234, Box 5678, APO AE 09012",
    "USNS Comfort\nFPO AA 34035",
    "Springfield, IL 62704 is home; Ottawa ON K1A 0B1 too",
    "crash on Maple Street last week; at the corner of 5th and Main",
    "my zip code is 60614 and she lives in Fitzroy 3065 , ok",
    "Suite 727, Apt#5, Unit 3B on the 3rd floor",
    "28245 Puruntie 82 and 9816 214 Pavlou Drandaki",
    "admitted to St. Mary's and Springfield Memorial Hospital yesterday",
    "Λεωφόρος Κηφισίας 12, οδός Ερμού 5",
    "call (555) 304-8821 x12, +44 20 7946 0958, + 33 1 42 68 53 00 or 0490 39 07 81 tonight",
    "fax: 312-555-0199; desk 78 651 450",
    "server 10.0.0.12 and fe80::1ff:fe23:4567:890a logged",
    "see https://example.org/a?b=1. or (www.example.com) or gofundme.example/kayla",
    "SSN 412-38-9920, card 4111 1111 1111 1111, VIN 1HGCM82633A004352, bc1qar0srrr7xfkvy5l643",
    "account #LFM-220847, medical record number: 00482913, tag IL 8KX 442",
    "seen Thursday 3/21 at 10:15am, the 3rd of May, 92 y/o, in 1978",
]


@pytest.mark.parametrize("text", _ANCHOR_TEXTS)
def test_anchored_search_equals_full_scan(text: str) -> None:
    from bedside.guard import address_starts, addresses, numbers, patterns
    from bedside.guard.spans import scan

    sc = scan(text)
    at = address_starts.starts(text, sc)
    anchored = addresses._blocks(text, addresses._parts(text, at, bool(sc.runs)))
    full = addresses._blocks(text, addresses._parts(text, None, bool(sc.runs)))
    assert anchored == full
    # a non-ASCII digit sends the other recognisers down their whole-text path
    tail = text + "\n٣"
    for finder in (numbers.find_numbers, patterns.find_phones, patterns.find_ips,
                   patterns.find_emails_urls):
        assert sorted(finder(text)) == sorted(finder(tail)), finder.__name__


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("she lives at Hammarvägen  15 now", "Hammarvägen  15"),  # two spaces
        ("14, 16 Avenida da Liberdade", "14, 16 Avenida da Liberdade"),
        ("the restaurant is at 9816 214 Pavlou Drandaki", "9816 214 Pavlou Drandaki"),
        ("Karin\nul. Miła 53", "ul. Miła 53"),
        ("Ottawa ON K1A 0B1", "ON K1A 0B1"),
        ("USNS Comfort\nFPO AA 34035", "USNS Comfort\nFPO AA 34035"),
    ],
)
def test_address_parts(text: str, span: str) -> None:
    assert ("GEO", span) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "3 patients walk 2 miles",  # a number and words that end in no street word
        "Dr. Lee saw 12 kids in the Care Center queue",  # "Care Center" needs a capitalised name
        "training this week for 20 nurses",  # a relative week is not a day
    ],
)
def test_no_address(text: str) -> None:
    assert not [s for t, s in _found(text) if t == "GEO"]
