"""Learned labels: what the lexicons miss when a practice says the same thing in its own words.

The rules (claims.toml, promotion.toml, voice.toml) name phrases; a practice they have never seen
sells, promises, vents and shares its weekend in other ones. This is a linear model over the
post's distinct words, word pairs and the four-letter pieces of its words (so "appt", "apptmt"
and "appointments" share evidence), one per label, trained with logistic regression on the
labelled posts of twelve practices (bench/train_learned.py; weights, thresholds and
cross-validated figures in data/learned.json). It runs beside the rules and only adds: a label
the rules did not give, or one finding on the sentence that weighs most. Pure and local: a
word's weights are summed once and kept, so a post costs about a dict lookup per word.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from bedside.guard.context import Context
from bedside.guard.findings import Category, Finding
from bedside.guard.normalize import Normalized

LABELS = ("claims", "promotional", "personal", "unprofessional")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def features(text: str, kind: str, account: str) -> list[str]:
    """The model's view of a text (the guard's normalised layer, lower-cased): each distinct word
    with its pieces, each distinct pair of neighbouring words. Distinct, so that a word said 200
    times weighs as once; a piece two words share counts for each. The function that trains the
    model; `Models.logits` gives the same sum faster, a word at a time."""
    words: list[str] = _TOKEN.findall(text.lower())
    out = ["kind:" + kind, "account:" + account]
    for word in dict.fromkeys(words):
        out += _word_features(word)
    for pair in dict.fromkeys(_pairs(words)):
        out.append(pair)
    return out


def _pairs(words: list[str]) -> list[str]:
    return ["b:" + first + "_" + second
            for first, second in zip(words, words[1:], strict=False)]  # each word and the next


def _word_features(word: str) -> list[str]:
    """A word itself and its four-letter pieces (" appt" ... "ppt "): "appt", "apptmt" and
    "appointments" share evidence."""
    padded = f" {word} "
    return ["w:" + word] + ["c:" + padded[i:i + 4] for i in range(len(padded) - 3)]


@dataclass(frozen=True, slots=True)
class Models:
    """One linear model per label, sharing one table: feature -> its weight for each label, so
    a text costs one dict lookup per feature, whatever the number of labels."""

    labels: tuple[str, ...]
    biases: tuple[float, ...]
    bars: tuple[float, ...]  # each label's threshold, as a logit (no exp per text); inf: never
    weights: dict[str, tuple[float, ...]]

    def add(self, z: list[float], feature: str) -> None:
        w = self.weights.get(feature)
        if w is not None:
            for i, x in enumerate(w):
                z[i] += x

    def word_sum(self, word: str) -> tuple[float, ...]:
        """What a word and its pieces add, once per word (_word_sums keeps it)."""
        z = [0.0] * len(self.labels)
        for f in _word_features(word):
            self.add(z, f)
        return tuple(z)

    def logits(self, text: str, kind: str, account: str) -> list[float]:
        """Each label's logit: the bias plus the weight of every one of `features`."""
        z = list(self.biases)
        self.add(z, "kind:" + kind)
        self.add(z, "account:" + account)
        words: list[str] = _TOKEN.findall(text.lower())
        for word in dict.fromkeys(words):
            for i, x in enumerate(_word_sums(word)):
                z[i] += x
        for pair in dict.fromkeys(_pairs(words)):
            self.add(z, pair)
        return z

    def fired(self, text: str, kind: str, account: str) -> set[str]:
        return {label for label, z, bar in zip(self.labels, self.logits(text, kind, account),
                                               self.bars, strict=True) if z >= bar}


@lru_cache(maxsize=65_536)  # the words of a few thousand posts: most words come back
def _word_sums(word: str) -> tuple[float, ...]:
    found = models()
    assert found is not None
    return found.word_sum(word)


def _logit(threshold: float | None) -> float:
    """A probability threshold as a logit; None (no threshold was right often enough when
    trained, bench/train_learned.py) never fires."""
    if threshold is None:
        return math.inf
    return math.log(float(threshold) / (1.0 - float(threshold)))


@cache
def models() -> Models | None:
    """The trained models (data/learned.json); None when the file is absent."""
    path = Path(__file__).parent / "data" / "learned.json"
    if not path.exists():
        return None
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    labels = tuple(str(x) for x in raw["labels"])
    heads = [raw["labels"][label] for label in labels]
    return Models(labels, tuple(float(h["bias"]) for h in heads),
                  tuple(_logit(h["threshold"]) for h in heads),
                  {str(f): tuple(float(x) for x in w) for f, w in raw["weights"].items()})


# What a learned finding says: its rule, category, message and suggestion.
_FINDINGS: dict[str, tuple[str, Category, str, str]] = {
    "claims": (
        "claims.learned", "claims",
        "This sentence reads like an advertising claim (a promised result, a superlative, a "
        "comparison or an incentive) in words the claim rules do not list.",
        "State what the treatment is and who it suits, without promising an outcome; or mark "
        "it reviewed if it is a plain fact with a source."),
    "unprofessional": (
        "professionalism.learned", "professionalism",
        "This sentence reads as unprofessional (venting about patients or colleagues, swearing "
        "or drinking), in words the professionalism rules do not list.",
        "Keep it off the practice's channels; say it to a colleague, not online."),
    "personal": (
        "personal.learned", "personal",
        "This reads as private life going out from the practice account, in words the personal "
        "rules do not list.",
        "Post it from a personal account, or tie it to a health message for patients."),
}


def _best_sentence(norm: Normalized, found: Models, i: int, context: Context) -> tuple[int, int]:
    """The original-text span of the sentence that weighs most for label `i`."""
    text = norm.text.text
    best, best_span = -math.inf, (0, len(text))
    for m in _SENTENCE.finditer(text):
        if not m.group().strip():
            continue
        z = found.logits(m.group(), context.kind, context.account)[i]
        if z > best:
            best, best_span = z, m.span()
    start, end = best_span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return norm.text.span(start, end)


def learned_labels(norm: Normalized, context: Context) -> set[str]:
    """The labels the models give this text."""
    found = models()
    if found is None:
        return set()
    return found.fired(norm.text.text, context.kind, context.account)


def learned_finding(norm: Normalized, context: Context, label: str) -> Finding:
    """The one finding for a label only the model gave: on the sentence that weighs most."""
    rule, category, message, suggestion = _FINDINGS[label]
    found = models()
    assert found is not None  # only asked for a label the models gave
    start, end = _best_sentence(norm, found, found.labels.index(label), context)
    return Finding(rule=rule, category=category, severity="warn", start=start, end=end,
                   excerpt=norm.original[start:end], message=message, suggestion=suggestion,
                   source="bedside.guard.learned: logistic regression on labelled posts of "
                          "twelve practices (data/learned.json)")
