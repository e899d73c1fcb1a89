"""Voice: personal content (label, finding only on the practice account) and professionalism."""

from __future__ import annotations

import pytest

from bedside.guard.context import Context
from bedside.guard.normalize import normalize
from bedside.guard.voice import check_voice

PRACTICE = Context(account="practice")
PERSONAL = Context(account="personal")

PERSONAL_POSTS = [
    "my son scored his first goal today!! proud dad moment",
    "Vacation mode 🌴 back in clinic on the 12th",
    "anyone else binge watch the whole season this weekend? no spoilers pls",
    "go packers!!! what a game",
    "Happy anniversary to my husband, 15 yrs 💕",
    "vote YES on prop 4 this tuesday, our schools need it",
    "our new puppy chewed my stethoscope 🐶",
    "ran my first half marathon this morning, legs = jelly",
    "Greetings from Lisbon! pastel de nata count: 6",
    "Sunday church then brunch with the fam, blessed",
]
NOT_PERSONAL = [
    "Fever in toddlers: watch the child, not the thermometer.",
    "Wash your dog after hikes too, ticks hitch rides on pets.",
    "Happy Halloween from our whole team! Reflective tape on costumes please 🎃",
    "Our patient celebrated her 80th birthday at her checkup today.",
    "Welcome our new PA, Maria, who loves sports medicine.",
    "Heat index is high: hydrate, and check on older neighbors.",
    "New study: daily walks lower blood pressure in older adults.",
    "Flu shots are in. Most people have only a sore arm.",
]


@pytest.mark.parametrize("text", PERSONAL_POSTS)
def test_private_life_is_personal_with_a_finding_on_the_practice_account(text: str) -> None:
    findings, personal = check_voice(normalize(text), PRACTICE)
    assert personal
    cues = [f for f in findings if f.category == "personal"]
    assert cues and all(f.severity == "warn" and text[f.start:f.end] == f.excerpt for f in cues)


@pytest.mark.parametrize("text", PERSONAL_POSTS)
def test_personal_account_gets_the_label_but_no_finding(text: str) -> None:
    findings, personal = check_voice(normalize(text), PERSONAL)
    assert personal
    assert not [f for f in findings if f.category == "personal"]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_professional_posts_are_not_personal(text: str) -> None:
    findings, personal = check_voice(normalize(text), PRACTICE)
    assert not personal and not [f for f in findings if f.category == "personal"]


def test_a_relative_of_an_identifier_is_not_family_content() -> None:
    # "my kid's soccer coach" singles out a patient (a PHI matter), it is not family life.
    text = "my kid's soccer coach came in with a nasty ankle sprain, ice + rest"
    assert check_voice(normalize(text), PERSONAL)[1] is False


UNPROFESSIONAL = [
    ("another frequent flier in bed 2 tonight 🙄", "professionalism.disparage_patient",
     "frequent flier"),
    ("pt demanding antibiotics for a cold again smh", "professionalism.disparage_patient",
     "demanding antibiotics"),
    ("sir, I'm a dentist not your mom", "professionalism.disparage_patient",
     "sir, I'm a dentist"),
    ("the ortho who did this should lose his license, absolute clown",
     "professionalism.disparage_colleague", "clown"),
    ("what a quack, who taught him to read an xray", "professionalism.disparage_colleague",
     "quack"),
    ("this EHR is sh*t", "professionalism.profanity", "sh*t"),
    ("wtf is this insurance denial", "professionalism.profanity", "wtf"),
    ("f***ing prior auths", "professionalism.profanity", "f***ing"),
    ("lowkey still hungover for clinic lol", "professionalism.intoxication", "still hungover"),
    ("wine drunk and charting, living the dream", "professionalism.intoxication", "wine drunk"),
    ("shots after call with the residents 🥃", "professionalism.intoxication", "shots after call"),
    ("guy came in with a lightbulb stuck where the sun don't shine 😂", "professionalism.mocking",
     "😂"),
]
PROFESSIONAL = [
    "There are no stupid questions about your health.",
    "Knock out hangovers? Water and sleep, not IV bags.",
    "Alcohol raises blood pressure: keep it to 1 drink a day or less.",
    "We are frustrated by prior auth delays too and are working on it.",
    "A patient asked a great question today about statins.",
    "Dick Smith, our office manager, retires Friday!",
    "No shame in asking for help with your mental health.",
]


@pytest.mark.parametrize(("text", "rule", "excerpt"), UNPROFESSIONAL)
def test_unprofessional_voice_is_flagged_with_span(text: str, rule: str, excerpt: str) -> None:
    findings, _ = check_voice(normalize(text), PERSONAL)
    hit = [f for f in findings if f.rule == rule and excerpt in text[f.start:f.end]]
    assert hit, findings
    assert hit[0].excerpt == text[hit[0].start:hit[0].end]
    assert hit[0].category == "professionalism" and hit[0].severity in ("warn", "block")


@pytest.mark.parametrize("text", PROFESSIONAL)
def test_professional_voice_is_not_flagged(text: str) -> None:
    findings, _ = check_voice(normalize(text), PRACTICE)
    assert not [f for f in findings if f.category == "professionalism"]
