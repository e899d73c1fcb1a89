"""The learned labels (guard/learned.py): what they read, the model file, and that they only add
to the rules, with one finding on one sentence of the original text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bedside.guard import Context, check
from bedside.guard.learned import LABELS, features, models

PRACTICE = Context(network="facebook", account="practice")
DATA = Path(__file__).resolve().parents[2] / "src" / "bedside" / "guard" / "data" / "learned.json"


def test_features_are_words_pairs_pieces_and_context() -> None:
    got = set(features("Book ur appt", "reply", "practice"))
    assert {"w:book", "w:ur", "w:appt", "b:book_ur", "b:ur_appt", "c: boo", "c:appt",
            "c:ppt ", "kind:reply", "account:practice"} <= got
    assert "w:Book" not in got  # lower-cased
    assert features("", "post", "personal") == ["kind:post", "account:personal"]
    assert features("appt appt appt", "post", "practice").count("w:appt") == 1  # distinct
    assert features("appt appts", "post", "practice").count("c: app") == 2  # pieces shared


def test_the_model_file_holds_every_label_with_its_figures() -> None:
    raw = json.loads(DATA.read_text())
    assert tuple(raw["labels"]) == LABELS
    for label in LABELS:
        head = raw["labels"][label]
        if head["threshold"] is not None:  # None: never right often enough, never given
            assert 0.0 < head["threshold"] < 1.0
            assert head["cross_validated"]["precision"] >= 0.9  # how thresholds are chosen
    assert all(len(w) == len(LABELS) for w in raw["weights"].values())
    loaded = models()
    assert loaded is not None and loaded.labels == LABELS
    assert len(loaded.weights) == len(raw["weights"])


@pytest.mark.parametrize(("text", "rule"), [
    ("our program melts the weight off and it stays off for good", "claims.learned"),
    ("nobody in the county gets results like ours, ask anyone", "claims.learned"),
])
def test_a_claim_in_words_no_rule_lists_gets_one_learned_finding(text: str, rule: str) -> None:
    report = check(text, PRACTICE)
    learned = [f for f in report.findings if f.rule == rule]
    assert len(learned) == 1
    f = learned[0]
    assert (f.category, f.severity) == ("claims", "warn")
    assert f.excerpt == text[f.start:f.end] and f.excerpt.strip() == f.excerpt
    assert not [g for g in report.findings if g.category == "claims" and g is not f]


def test_the_learned_finding_is_the_sentence_that_weighs_most() -> None:
    tip = "Drink water before your workout."
    claim = "our program melts the weight off and it stays off for good"
    text = f"{tip} {claim}!"
    f = next(f for f in check(text, PRACTICE).findings if f.rule == "claims.learned")
    assert f.excerpt == claim + "!"
    assert (f.start, f.end) == (len(tip) + 1, len(text))


def test_the_model_only_adds_where_the_rules_said_nothing() -> None:
    rules_hit = check("Guaranteed results, or your money back!", PRACTICE)
    assert any(f.category == "claims" for f in rules_hit.findings)
    assert not any(f.rule.endswith(".learned") for f in rules_hit.findings)


@pytest.mark.parametrize("text", [
    "Vaccines are safe and effective; talk to your doctor about the schedule that suits your "
    "child.",
    "Our office will be closed Thursday for Thanksgiving. Happy holidays!",
    "Wash your hands for 20 seconds and stay home when you're sick.",
    "Flu shots are available at most pharmacies; ask your doctor which vaccine suits you.",
    "Reminder: sunscreen every day, SPF 30 or higher, even when it's cloudy.",
])
def test_plain_health_messages_stay_clean(text: str) -> None:
    report = check(text, PRACTICE)
    assert report.findings == ()
    assert not report.labels.promotional and not report.labels.personal


def test_repeating_a_harmless_text_does_not_make_it_a_claim() -> None:
    once = check("Flu shots today.", PRACTICE)
    many = check("Flu shots today. " * 200, Context(network="bluesky", account="practice"))
    assert once.findings == ()
    assert [f.rule for f in many.findings] == ["platform.too_long"]


def test_evasion_does_not_hide_a_learned_claim() -> None:
    plain = "our program melts the weight off and it stays off for good"
    hidden = plain.replace("melts", "me\u200blts").replace("weight", "w\u0435ight")  # Cyrillic e
    got = [f.rule for f in check(hidden, PRACTICE).findings]
    assert got == [f.rule for f in check(plain, PRACTICE).findings] == ["claims.learned"]


@pytest.mark.parametrize("text", [
    "book ur appt today!! appt appt", "", "our program melts the weight off",
    "Ünïcode wörds and 3 numbers 555", "one",
])
def test_the_fast_sum_is_the_sum_over_every_feature(text: str) -> None:
    loaded = models()
    assert loaded is not None
    slow = list(loaded.biases)
    for f in features(text, "post", "practice"):
        for i, w in enumerate(loaded.weights.get(f, (0.0,) * len(LABELS))):
            slow[i] += w
    assert loaded.logits(text, "post", "practice") == pytest.approx(slow, abs=1e-9)
