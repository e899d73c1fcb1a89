"""Normalisation undoes evasion while every span still points into the original text."""

from __future__ import annotations

import pytest

from bedside.guard.normalize import normalize

CASES = [
    # (original, word looked for in the skeleton, original excerpt it must map back to)
    ("no side effects", "no side effects", "no side effects"),
    ("n o side effects!", "no side effects", "n o side effects"),
    ("Totally c.u.r.e.d it", "cured", "c.u.r.e.d"),
    ("f-r-e-e consult", "free", "f-r-e-e"),
    ("guar4nteed results", "guaranteed", "guar4nteed"),
    ("r1sk-free", "risk-free", "r1sk-free"),
    ("100% ｇｕａｒａｎｔｅｅｄ", "guaranteed", "ｇｕａｒａｎｔｅｅｄ"),
    ("gu\u200bar\u200dantee", "guarantee", "gu\u200bar\u200dantee"),
    ("а сurе for all", "cure", "сurе"),  # Cyrillic с and е
    ("PAINLESS!", "painless", "PAINLESS"),
    ("pain\u2010free", "pain-free", "pain\u2010free"),
    ("guarantéed", "guaranteed", "guarantéed"),
    ("ﬁx it", "fix", "ﬁ"),  # a ligature: one original character becomes two
]


@pytest.mark.parametrize(("original", "word", "excerpt"), CASES)
def test_skeleton_finds_word_and_maps_back(original: str, word: str, excerpt: str) -> None:
    norm = normalize(original)
    at = norm.skeleton.text.find(word)
    assert at >= 0, norm.skeleton.text
    start, end = norm.skeleton.span(at, at + len(word))
    if word == "fix":
        assert original[start:end] == "ﬁx"
    else:
        assert original[start:end] == excerpt


def test_ascii_text_layer_is_identity() -> None:
    norm = normalize("Call 555-010-2000 today")
    assert norm.text.text == "Call 555-010-2000 today"
    assert norm.text.offsets is None
    assert norm.text.span(5, 17) == (5, 17)


def test_text_layer_keeps_case_and_digits() -> None:
    norm = normalize("Mrs. K\u200b, SSN 412-38-9920")
    assert norm.text.text == "Mrs. K, SSN 412-38-9920"
    start, end = norm.text.span(12, 23)
    assert norm.original[start:end] == "412-38-9920"


def test_numbers_are_not_leet() -> None:
    assert normalize("100% of 24/7 covid-19").skeleton.text == "100% of 24/7 covid-19"


@pytest.mark.parametrize(("text", "kept"), [
    ("our 8yo pt", "8yo"), ("down 7lbs", "7lbs"), ("350cc implants", "350cc"), ("at 3am", "3am"),
    ("happy 4th!", "4th"), ("40mg daily", "40mg"), ("1st visit", "1st"),
])
def test_numbers_with_units_stay_numbers(text: str, kept: str) -> None:
    assert kept in normalize(text).skeleton.text


def test_a_stand_in_glued_to_a_word_is_still_undone() -> None:
    assert "free" in normalize("fr33 consult").skeleton.text
    assert "lose" in normalize("l0se 30lbs").skeleton.text


def test_pure_foreign_words_are_not_folded() -> None:
    assert normalize("привет").text.text == "привет"


def test_empty_text() -> None:
    norm = normalize("")
    assert norm.skeleton.text == ""
    assert norm.skeleton.span(0, 0) == (0, 0)
