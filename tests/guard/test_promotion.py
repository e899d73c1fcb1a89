"""Promotion: selling posts get the label; education and service notices do not."""

from __future__ import annotations

import pytest

from bedside.guard.context import Context
from bedside.guard.normalize import normalize
from bedside.guard.promotion import check_promotion

POST = Context(kind="post", account="practice")

# Fresh sentences in messier language and other specialties.
PROMOTIONAL = [
    "now taking new pts!! book ur appt online today 🦷",
    "Botox Tuesdays are back 💉 $10/unit, DM us to book",
    "we have a few openings left this week for cleanings - call us to schedule",
    "Introducing our new teen acne clinic! Link in bio to request an appointment",
    "Holiday special: 15% off all chemical peels, book now",
    "Dr. Ruiz is now accepting new patients at our Eastside office. Schedule online.",
    "Refer a friend and you both get a free whitening kit! Details at smileco.example/refer",
    "Spots are filling up fast for sports physicals, grab a slot before Aug 1",
    "excited to announce we now offer ketamine-assisted therapy. call to book a consult",
    "same-day appointments available for sick kids, call by 10am and we'll get you in",
]
NOT_PROMOTIONAL = [
    "Fever in a baby under 3 months is always worth a call to your pediatrician.",
    "Office closed Monday for Memorial Day. For emergencies dial 911.",
    "Flossing tip: curve the floss around each tooth in a C shape.",
    "did u know sunscreen expires? check the date before beach season",
    "Our lab now opens at 7am so you can get fasting bloodwork done before work.",
    "Welcome Dr. Chen to the team! She loves treating kids with eczema.",
    "Join our nurse for a free car-seat check at the fire station Saturday. No sign-up needed.",
    "If you notice a mole changing shape or color, see a dermatologist.",
    "Forms for camp physicals are on our website under Resources.",
    "Scam alert: we will never text you asking for card numbers. Call us if unsure.",
]


@pytest.mark.parametrize("text", PROMOTIONAL)
def test_selling_posts_are_promotional(text: str) -> None:
    findings, promotional = check_promotion(normalize(text), POST)
    assert promotional
    assert findings and all(f.category == "promotion" and f.severity == "info" for f in findings)
    for f in findings:
        assert text[f.start:f.end] == f.excerpt


@pytest.mark.parametrize("text", NOT_PROMOTIONAL)
def test_useful_posts_are_not_promotional(text: str) -> None:
    findings, promotional = check_promotion(normalize(text), POST)
    assert not promotional and findings == []


def test_booking_cue_span_points_at_original_text() -> None:
    text = "Spring cleanings: b o o k now at smileco.example"
    findings, promotional = check_promotion(normalize(text), POST)
    assert promotional
    assert any(text[f.start:f.end] == "b o o k now" for f in findings)


def test_reply_needs_more_than_a_scheduling_nudge() -> None:
    reply = Context(kind="reply", account="practice")
    text = "Sorry about the wait. Please schedule a longer appointment next time."
    assert check_promotion(normalize(text), reply)[1] is False
    assert check_promotion(normalize(text), POST)[1] is True


def test_educational_cues_can_outweigh_a_single_selling_cue() -> None:
    text = "Did you know? Guidelines recommend screening at 45. Symptoms aren't required. Call us."
    assert check_promotion(normalize(text), POST)[1] is False
