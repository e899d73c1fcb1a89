"""Regression floors on the messy development sets (bench/data/messy/): posts of other practices
in messier language. Item-level scoring as ../shared/tools/score_corpus.py does it; the floors
sit a little under the figures measured when the sets were last fixed (docs/benchmarks.md), so a
change that loses a family of cues fails here, not on a user's post."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bedside.guard import Context, check, load_practice
from bedside.guard.findings import SEVERITY_RANK, Report

SETS = Path(__file__).resolve().parents[2] / "bench" / "data" / "messy"
DEVELOPMENT = ("peds", "ortho", "obpsych", "derm", "urgent")
FLOORS = {  # label: (precision, recall), pooled over the development sets; measured on
    # 2026-11-28: phi 0.983/1.000, claims 1/1, promotional 1/1, personal 0.974/0.950,
    # unprofessional 0.972/1.000
    "phi": (0.93, 0.95),
    "claims": (0.95, 0.95),
    "promotional": (0.95, 0.95),
    "personal": (0.90, 0.90),
    "unprofessional": (0.92, 0.95),
}
CATEGORY = {"phi": "phi", "claims": "claims", "unprofessional": "professionalism"}


def _flagged(report: Report, label: str) -> bool:
    if label in CATEGORY:
        return any(f.category == CATEGORY[label] and SEVERITY_RANK[f.severity] >= 1
                   for f in report.findings)
    return bool(getattr(report.labels, label))


def _pairs() -> dict[str, list[tuple[bool, bool]]]:
    pairs: dict[str, list[tuple[bool, bool]]] = {label: [] for label in FLOORS}
    for name in DEVELOPMENT:
        practice = load_practice(SETS / name / "practice.toml")
        for line in (SETS / name / "posts.jsonl").read_text().splitlines():
            row = json.loads(line)
            report = check(row["text"], Context(row["platform"], row["kind"], row["account"],
                                                practice))
            for label, got in pairs.items():
                got.append((bool(row["labels"][label]), _flagged(report, label)))
    return pairs


@pytest.fixture(scope="module")
def pairs() -> dict[str, list[tuple[bool, bool]]]:
    return _pairs()


@pytest.mark.parametrize("label", sorted(FLOORS))
def test_messy_development_sets_stay_above_their_floors(
        pairs: dict[str, list[tuple[bool, bool]]], label: str) -> None:
    tp = sum(g and p for g, p in pairs[label])
    fp = sum(p and not g for g, p in pairs[label])
    fn = sum(g and not p for g, p in pairs[label])
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    floor_p, floor_r = FLOORS[label]
    assert precision >= floor_p and recall >= floor_r, (
        f"{label}: precision {precision:.3f} (floor {floor_p}), recall {recall:.3f} "
        f"(floor {floor_r}) over {len(pairs[label])} posts")
