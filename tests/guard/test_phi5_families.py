"""PHI families found by reading the misses on other practices' posts (bench/data/messy/), each
written afresh in other specialties' words: a body part of one person, a check on one person,
the <Surname> kid, a trade at a named place, a facility with a shift's time, the Nth case of the
day, grouped licence numbers, a street after 'out', group photos of patients, and replies that
confirm care in txt-speak. False cases: the author's own life and times, donors, pets,
credentials, habitual rants, advice."""

from __future__ import annotations

import pytest

from bedside.guard import Context, Practice, check
from bedside.guard.findings import Entity
from bedside.guard.phi_records import record_numbers

PRACTICE = Practice(name="Lakeview Family Care", phones=("555-010-2200",),
                    websites=("https://lakeviewfc.example",), staff=("Dr. Ana Ruiz",))
POST = Context(network="x", kind="post", account="practice", practice=PRACTICE)
REPLY = Context(network="facebook", kind="reply", account="practice", practice=PRACTICE)


def _phi(text: str, ctx: Context) -> list[tuple[str, str]]:
    found = [f for f in check(text, ctx).findings if f.category == "phi" and f.severity != "info"]
    assert all(text[f.start:f.end] == f.excerpt for f in found)
    return [(f.phi_type or "", f.excerpt) for f in found]


# (text, PHI type, excerpt that must be among the findings)
POSTS = [
    # one person's body part, seen or shown
    ("pic of the polyp i snared in this lady's colon this am, textbook sessile", "DATE", "this am"),
    ("that kid's tonsils were kissing. out they came this morning", "DATE", "this morning"),
    ("look at this man's x-ray from tonight, 3 nails in his hand", "DATE", "tonight"),
    ("otoscope pic of the wax plug in this guy's ear canal", "PHOTO", "pic"),
    # a check or a round on one person
    ("rounded on mr. b this morning, he's eating again", "DATE", "this morning"),
    ("quick check on tyler this aftn, cast looks great", "DATE", "this aftn"),
    ("f/u on marisol today, her a1c is down to 6.8!!", "DATE", "today"),
    # the <Surname> kid
    ("the Hendricks boy is back AGAIN w/ another dog bite", "NAME", "Hendricks"),
    ("the Nguyen twins came in for shots today, screamed in stereo", "NAME", "Nguyen"),
    # a trade or post at one named place
    ("did a knee scope today on the head chef at Rosie's Diner", "OTHER_ID",
     "the head chef at Rosie"),
    ("the bus driver for Lincoln Middle came in w/ chest pain yesterday", "DATE", "yesterday"),
    ("scoped the vocal cords of the drummer of the best ska band in Tonawanda this aftn",
     "GEO", "Tonawanda"),
    ("the only large-animal vet in our county c/o fevers x2wk", "OTHER_ID",
     "the only large-animal vet in our county"),
    # another facility, a shift's time and a call-out or consult
    ("trauma consult at Mercy General around 3am, GSW to the thigh", "GEO", "Mercy General"),
    ("paged to the Fairview fire hall at 1am for an mvc, two kids", "GEO", "Fairview fire hall"),
    ("stat consult at Riverside Regional last night, STEMI in a 38yo", "DATE", "last night"),
    # a care act done to one person at another named facility, with a shift's time
    ("admitted a guy to St. Joseph's overnight w/ DKA, sugar of 900", "GEO", "St. Joseph's"),
    ("consulted on a lady at Valley Medical Center this am, perforated diverticulitis", "DATE",
     "this am"),
    ("over the wknd we had a kid w/ a fishhook in his eyelid", "DATE", "over the wknd"),
    ("lady from Millbrook brought her whole family for flu shots today", "GEO", "Millbrook"),
    # public posts of small places: the county clerk, a coach at a named school
    ("cleaned out the ear of the county clerk today, 2 yrs of wax", "OTHER_ID",
     "the county clerk"),
    ("the girls' basketball coach at Central High tore her achilles friday", "OTHER_ID",
     "the girls' basketball coach"),
    # the Nth case of the day
    ("2nd c-section of the day was a 19 y/o w/ twins", "DATE", "2nd c-section of the day"),
    ("first consult of the shift was a 70 y/o w/ a hip fx", "DATE", "first consult of the shift"),
    ("my 4th colonoscopy of the morning had 11 polyps", "DATE",
     "4th colonoscopy of the morning"),
    # licence numbers copied in groups
    ("the DMV form wants the pt's driver license # on every page. 412 663 908. ugh",
     "LICENSE", "412 663 908"),
    ("pt's drivers licence # is D412-663-9081 and he laminated it", "LICENSE", "D412-663-9081"),
    # a named street, no number, beside a client
    ("got a pt who lives way out Hollow Creek Rd, no phone, no car", "GEO", "Hollow Creek Rd"),
    ("a client lives past Mill Pond Road and walks 3 miles to get here", "GEO", "Mill Pond Road"),
    # group photos of patients
    ("cardiac rehab grads reunion pics!! swipe to see everyone", "PHOTO", "pics"),
    ("NICU reunion was the best, swipe for pics, all the parents signed releases", "PHOTO",
     "swipe for"),
    ("throwback pic from the transplant picnic, everybody pictured signed the photo release",
     "PHOTO", "pic"),
    # care words of ENT and behavioural health beside a name
    ("fitted new hearing aids today for Mrs. Alvarez, she cried", "NAME", "Alvarez"),
    ("pill bottle left in the lobby w/ the name Pritchard on it, call us", "NAME", "Pritchard"),
    ("one of my little cochlear implant kiddos needs a new processor: gofundme.example/hear-ava",
     "URL", "gofundme.example/hear-ava"),
]

REPLIES = [
    ("so glad the new aids r working for u!!", "glad the new aids r working"),
    ("glad ur scope went well, the path should be back next wk", "glad ur scope went"),
    ("hope ur allergy shots r helping this spring!", "hope ur allergy shots r helping"),
    ("we called in a new rx to ur pharmacy this morning", "called in a new rx to ur pharmacy"),
    ("sent ur refill over to ur pharmacy, should be ready by 5",
     "sent ur refill over to ur pharmacy"),
    ("sorry ur Dupixent shipment was late again!", "sorry ur Dupixent shipment was"),
    ("so happy the new glasses r helping!!", "happy the new glasses r helping"),
    ("the cpap mask should feel better after a few nights, hang in there",
     "the cpap mask should feel better"),
    ("we miss u at PT! how's the shoulder?", "miss u at PT"),
    ("ty for trusting us w/ ur little one's ear tubes", "trusting us w"),
    ("glad the steroid shot kicked in!", "glad the steroid shot kicked"),
    ("we loved having u in the chair today", "loved having u in"),
    ("so proud of u for 90 days sober", "proud of u for 90 days sober"),
]

NOT_PHI = [
    # the author's own family, child, shift and someone else's delivery
    "Some personal news: we're expecting baby #3 in October! I'll be on maternity leave from Sept.",
    "took the kids to the orchard this wknd, the baby slept thru it all #momlife",
    "my 6 yo told me today that doctors just play with stethoscopes all day",
    "post call and heading home at 9am, somebody else can deliver that baby tonight",
    "thanksgiving: my uncle asked me to look at his mole over pie. yes larry. no larry.",
    # donors, pets, credentials, the practice's own claims
    "Thank you to the Patel family for sponsoring our 5K for colon cancer screening!",
    "the Smith family donated $5k for our free flu clinic, thank u!!",
    "Meet Dana, our receptionist! She has a cat named Biscuit and runs marathons.",
    "free hearing screenings in May w/ Megan Kowalczyk, AuD at our office thru 5/31",
    "We're the only practice in Dayton with sleep medicine and ENT under one roof.",
    # habitual rants and advice
    "love when the ICU calls at 4am for a potassium of 3.4",
    "every time the ER consults us at 2am it's constipation",
    "the teacher at your kid's school may notice hearing loss first. ask for a screen.",
    "check on your neighbors during the heat wave, esp older folks",
    "check on grandma today if she lives alone, heat wave",
    "check on him every 2 hrs tonight after a head bump",
    "recheck on friday? call us to book",
    "join our support group! new members welcome every tuesday",
    # the author's own birthday and shifts; meetings and hiring at another facility
    "my 30th bday is tmrw and i'm spending it post call",
    "on call tonight, send coffee",
    "heading to grand rounds at St. Luke's this morning to talk about sepsis",
    "Community Regional is hiring nurses! apply by friday",
    "3rd snow day of the year and my kids are feral",
]

NOT_RELATIONSHIP = [
    "if ur hearing aids whistle, check the dome and the wax guard",
    "ask ur pharmacy if the generic is available, it often is",
    "if ur colonoscopy prep is rough, try chilling the solution",
    "most ppl find the cpap mask gets easier after a week",
    "great question! allergy shots usually take 6-12 months to work",
]


@pytest.mark.parametrize(("text", "phi_type", "excerpt"), POSTS)
def test_patient_identifier_families_in_other_words(text: str, phi_type: str,
                                                    excerpt: str) -> None:
    # an address's span may run on over the words after it ("Rd, no phone"): it starts there
    assert any(t == phi_type and ex.startswith(excerpt) for t, ex in _phi(text, POST))


@pytest.mark.parametrize(("text", "excerpt"), REPLIES)
def test_replies_that_confirm_care_in_txt_speak(text: str, excerpt: str) -> None:
    assert ("PATIENT_RELATIONSHIP", excerpt) in _phi(text, REPLY)


@pytest.mark.parametrize("text", NOT_PHI)
def test_the_authors_own_life_donors_and_advice_are_not_phi(text: str) -> None:
    assert _phi(text, POST) == []


@pytest.mark.parametrize("text", NOT_RELATIONSHIP)
def test_advice_about_the_readers_things_confirms_no_care(text: str) -> None:
    assert _phi(text, REPLY) == []


def test_grouped_codes_need_a_licence_label_and_six_digits() -> None:
    text = "license # on the form: 412 663 908, and 2 wks 3 days later 12 34"
    got = record_numbers(text, [])
    assert got == [Entity("LICENSE", 23, 34, "412 663 908")]
    assert record_numbers("took 412 663 908 steps", []) == []
