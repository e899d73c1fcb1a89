"""Cue families found by scoring the guard on posts of specialties beyond primary care
(cardiology, ENT, plastics): their tests and procedures in replies, lateness blamed on the reader,
relations of a role, landmarks and countries that are no one's name or address, historical
physicians and public figures. True and false cases, phrased afresh."""

from __future__ import annotations

import pytest

from bedside.guard import Context, Practice, check

PRACTICE = Practice(name="Harbor Heart Associates", phones=("555-010-7700",),
                    websites=("https://harborheart.example",), staff=("Dr. Ana Ruiz",))
POST = Context(network="facebook", kind="post", account="practice", practice=PRACTICE)
PERSONAL = Context(network="x", kind="post", account="personal", practice=PRACTICE)
REPLY = Context(network="facebook", kind="reply", account="practice", practice=PRACTICE)


def _phi(text: str, ctx: Context) -> set[str]:
    return {str(f.phi_type) for f in check(text, ctx).findings if f.category == "phi"}


CONFIRMING = [
    ("you got here half an hour late for your stress test, so it was moved", "late for your"),
    ("hope ur ablation went smoothly and the palpitations are gone!", "ur ablation"),
    ("so glad your septoplasty healed up nicely", "your septoplasty"),
]


@pytest.mark.parametrize(("text", "excerpt"), CONFIRMING)
def test_a_readers_own_test_or_procedure_confirms_a_patient(text: str, excerpt: str) -> None:
    found = [f for f in check(text, REPLY).findings if f.phi_type == "PATIENT_RELATIONSHIP"]
    assert found, text
    assert any(excerpt in f.excerpt for f in found), [f.excerpt for f in found]
    assert all(text[f.start:f.end] == f.excerpt for f in found)


GENERAL = [
    "before your stress test, skip caffeine for 24 hours and wear sneakers",
    "if u were running late for ur appt just give us a call, no stress",
]


@pytest.mark.parametrize("text", GENERAL)
def test_advice_about_a_test_confirms_no_one(text: str) -> None:
    assert "PATIENT_RELATIONSHIP" not in _phi(text, REPLY)


def test_a_relatives_coach_with_two_words_of_team_is_one_person() -> None:
    text = "turns out my son's travel soccer coach in Dunedin is my new afib consult, awkward"
    assert {"OTHER_ID", "GEO"} <= _phi(text, PERSONAL)


NO_PHI = [
    # a landmark after one capitalised word: the bridge's name, not a patient's
    "walked the Tobin bridge for heart month, no chest pain and my knees held up",
    # a country is larger than any Safe Harbor subdivision
    "history of cardiology: a surgical resident in France tried this in 1929, then x-ray proof",
    # historical physicians and public figures
    "Einthoven recorded the first ECG in 1903 and shared the Nobel for it. ekg day at clinic!",
    "trainer Bob Harper had his heart attack in a gym. chest pain: call 911, dont drive",
]


@pytest.mark.parametrize("text", NO_PHI)
def test_landmarks_countries_and_famous_names_are_no_patient(text: str) -> None:
    assert _phi(text, POST) == set(), [(f.phi_type, f.excerpt) for f in check(text, POST).findings]


SELLING = [
    "our brand new sleep lab is open on the 3rd floor! call 555-010-7700 to get on the schedule",
    "I'm now seeing adult congenital heart consults on tuesdays. DM me or call 555-010-7700",
    "holter results in 48 hrs and we can usually get u in this week, call 555-010-7700",
    "our device clinic has evening hours now, referrals welcome 555-010-7700",
]

NOT_SELLING = [
    # a number to call alone is a notice, not a sale
    "office closed for the storm today; for urgent device alarms call 555-010-7700",
    "we are now seeing a lot of RSV in adults too: wash hands, stay home when sick",
    "start at cdc.gov/heartdisease for the basics; bring questions to your own doctor",
]


@pytest.mark.parametrize("text", SELLING)
def test_new_services_and_numbers_to_book_sell(text: str) -> None:
    assert check(text, POST).labels.promotional, text


@pytest.mark.parametrize("text", NOT_SELLING)
def test_notices_with_a_number_do_not_sell(text: str) -> None:
    assert not check(text, POST).labels.promotional, text
