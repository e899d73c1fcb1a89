"""Cue families found by scoring the guard on posts of other practices (bench/data/messy/):
obstetric and perinatal vocabulary, outcome superlatives, politics about health policy, body
shaming, personal pages of a patient. True and false cases, phrased afresh."""

from __future__ import annotations

import pytest

from bedside.guard import Context, Practice, check

PRACTICE = Practice(name="Riverbend Women's Health", phones=("555-010-4400",),
                    websites=("https://riverbendwh.example",), staff=("Dr. Nora Quinn",))
POST = Context(network="facebook", kind="post", account="practice", practice=PRACTICE)
PERSONAL = Context(network="x", kind="post", account="personal", practice=PRACTICE)
REPLY = Context(network="facebook", kind="reply", account="practice", practice=PRACTICE)

CLAIMS = [
    ("our surgeons have the lowest infection rate in the county", "lowest infection rate in"),
    ("hands down the best surgical outcomes around 🙌", "best surgical outcomes around"),
    ("Our birth center is the safest in North Carolina.", "safest in North Carolina"),
    ("15 yrs and we have never had a wound infection after a tummy tuck",
     "we have never had a wound infection"),
]

NOT_CLAIMS = [
    "The highest flu rates in decades were reported this winter; get your shot.",
    "Hospitals with the lowest readmission rates in the studies we reviewed used phone follow-up.",
    "Best practices for safe sleep: alone, on the back, in a crib.",
]


@pytest.mark.parametrize(("text", "excerpt"), CLAIMS)
def test_outcome_superlatives_and_perfect_records_are_claims(text: str, excerpt: str) -> None:
    found = [f for f in check(text, POST).findings if f.category == "claims"]
    assert found, text
    assert any(f.excerpt.lower() == excerpt.lower() for f in found), [f.excerpt for f in found]
    assert all(text[f.start:f.end] == f.excerpt for f in found)


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_statistics_and_best_practices_are_not_claims(text: str) -> None:
    assert not [f for f in check(text, POST).findings if f.category == "claims"]


def test_come_see_the_difference_sells() -> None:
    assert check("New laser suite is open. Come see the difference! riverbendwh.example",
                 POST).labels.promotional


def test_idioms_and_overlapping_cues_do_not_sell() -> None:
    assert not check("Small change, big deal: we moved the crash cart closer to L&D.",
                     POST).labels.promotional
    # "call us to set up" holds "call us": one request, below a reply's bar
    assert not check("So sorry about the mix-up. Please call us to set up a time to talk.",
                     REPLY).labels.promotional


PERSONAL_POSTS = [
    ("the legislature is sitting on postpartum medicaid coverage AGAIN. vote them out in nov",
     PERSONAL),
    ("we're expecting twins!! nursery shopping all weekend 💕", PERSONAL),
]

NOT_PERSONAL = [
    "so thrilled to meet baby #2 in the spring! being your midwife again is a joy 💕",
    "Our sweet mama delivered a healthy girl at 8lb 1oz this week; her prenatal team is so proud.",
    "guess which weatherman is expecting twins 👀 my lips are sealed",
]


@pytest.mark.parametrize(("text", "ctx"), PERSONAL_POSTS)
def test_politics_and_own_pregnancy_are_personal(text: str, ctx: Context) -> None:
    assert check(text, ctx).labels.personal


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_obstetric_care_words_offset_family_words(text: str) -> None:
    assert not check(text, POST).labels.personal


UNPROFESSIONAL = [
    ("the surgeon who dumps every consult on us at 4:55 on a friday: coward behavior",
     "professionalism.disparage_colleague", "coward behavior"),
    ("please. the nurses should not have to see crusty feet in the stirrups 🤢",
     "professionalism.disparage_patient", "crusty feet"),
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), UNPROFESSIONAL)
def test_cowardice_jibes_and_body_shaming_are_unprofessional(text: str, rule: str,
                                                             excerpt: str) -> None:
    found = [f for f in check(text, PERSONAL).findings if f.rule == rule]
    assert [f.excerpt for f in found] == [excerpt]


def test_clean_talk_about_courage_and_feet_is_fine() -> None:
    for text in ("Cold feet before surgery are normal; ask us anything.",
                 "Do your kick counts every day after 28 weeks."):
        assert not [f for f in check(text, PERSONAL).findings
                    if f.category == "professionalism"], text


PHI = [
    ("pt today is 17, due in june, still finishing classes at Oak Ridge High", PERSONAL, "GEO"),
    ("one of our NICU mamas could use help, her fundraiser is gofundme.example/help-baby-rae",
     POST, "URL"),
    ("a local tv anchor is expecting triplets and no I won't say who 🤐", PERSONAL, "OTHER_ID"),
    ("sutured the only veterinarian in our county today, 6 stitches after a bad calving", PERSONAL,
     "OTHER_ID"),
    ("the regular w/ the teardrop tattoo came in again asking for early refills", PERSONAL,
     "OTHER_ID"),
]

REPLIES = [
    "so glad the group has been helping, keep coming back!",
    "haha yes that was u in the chair on tuesday, u did great",
    "well if u had showed up on time there would be no fee",
]


@pytest.mark.parametrize("text", REPLIES)
def test_replies_that_place_the_reader_in_care_confirm_a_patient(text: str) -> None:
    assert "PATIENT_RELATIONSHIP" in {f.phi_type for f in check(text, REPLY).findings}

NO_PHI = [
    "Free car seat checks sat 4/12 at the Lucy Hart library, you don't have to be our patient!",
    "reading about Mary Breckinridge and the Frontier Nursing Service tonight",
    "10/10 would recommend the apple orchard this weekend, the kids loved it",
    "Our team spoke at the Georgia chapter meeting about postpartum depression screening.",
    "Handouts from today's class: cdc.gov/pregnancy and riverbendwh.example/classes",
    "a Cochrane review says the varnish works; ask abt it at ur next cleaning",
    "3 beers deep after the brandin and somebody wants a rash looked at, lol no",
    "#histmed Sir Harold Gillies opened the Queen's Hospital at Sidcup in 1917 to rebuild faces",
    "planning my daughter's quince has me more stressed than any revision rhino 😭",
]


@pytest.mark.parametrize(("text", "ctx", "phi_type"), PHI)
def test_messy_patient_details_block(text: str, ctx: Context, phi_type: str) -> None:
    found = [f for f in check(text, ctx).findings if f.category == "phi"]
    assert phi_type in {f.phi_type for f in found}, [(f.phi_type, f.excerpt) for f in found]
    assert all(f.severity == "block" and text[f.start:f.end] == f.excerpt for f in found)


@pytest.mark.parametrize("text", NO_PHI)
def test_places_people_of_history_and_ratings_are_not_phi(text: str) -> None:
    found = [f for f in check(text, POST).findings if f.category == "phi"]
    assert not found, [(f.phi_type, f.excerpt) for f in found]
