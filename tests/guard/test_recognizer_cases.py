"""Presidio's recognizer unit-test cases (MIT, tests/fixtures/presidio) against find_entities.

A positive case passes when every expected span, trimmed of surrounding quotes and punctuation,
lies inside an entity of the mapped type (extra entities are allowed). A negative case passes
when no entity of that type is found, relative-day words ("Today") aside: bedside reads them as
dates on purpose, and they are not the identifier under test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bedside.guard.context import Practice
from bedside.guard.identifiers import find_entities
from bedside.guard.normalize import normalize

_FIXTURE = Path(__file__).parent.parent / "fixtures" / "presidio" / "recognizer_cases.jsonl"
_TYPES = {
    "us_ssn": "SSN", "us_itin": "SSN", "phone": "PHONE", "date": "DATE", "email": "EMAIL",
    "url": "URL", "ip": "IP", "credit_card": "ACCOUNT", "iban": "ACCOUNT", "crypto": "ACCOUNT",
    "us_mbi": "HEALTH_PLAN_ID", "mac": "DEVICE_ID",
}
_PUNCT = "\"'()[]<>.,;: "


def _cases() -> list[Any]:
    params = []
    for i, line in enumerate(_FIXTURE.read_text("utf-8").splitlines()):
        case = json.loads(line)
        kind = case["source"].split("tests/test_")[1].split("_recognizer")[0]
        params.append(pytest.param(case, _TYPES[kind], id=f"{kind}-{i:03d}"))
    return params


@pytest.mark.parametrize(("case", "etype"), _cases())
def test_presidio_case(case: dict[str, Any], etype: str) -> None:
    text = case["text"]
    found = [
        e for e in find_entities(normalize(text), Practice())
        if e.type == etype or (etype == "PHONE" and e.type == "FAX")
    ]
    if case["expected_len"] == 0:
        assert [e for e in found if not e.text.replace(" ", "").isalpha()] == []
        return
    assert found, text
    for span in case["spans"]:
        gold = text[span["start"] : span["end"]]
        start = span["start"] + len(gold) - len(gold.lstrip(_PUNCT))
        end = span["end"] - (len(gold) - len(gold.rstrip(_PUNCT)))
        assert any(e.start <= start and end <= e.end for e in found), (gold, found)


def test_fixture_keeps_both_kinds() -> None:
    cases = [json.loads(line) for line in _FIXTURE.read_text("utf-8").splitlines()]
    assert sum(c["expected_len"] == 0 for c in cases) > 100
    assert sum(c["expected_len"] > 0 for c in cases) > 100
