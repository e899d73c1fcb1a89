"""The guard's start-up answers on disk (bedside.guard_memo): read back exactly, never trusted
when malformed, named for the rules they were read from."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bedside import guard_memo
from bedside.guard import Context, check, phrases, prefixes


@pytest.fixture
def fresh_tables() -> Iterator[None]:
    """Empty answer tables for one test, the process's own put back after (in place: the
    compiled guard holds the same dict objects)."""
    saved_prefixes, saved_phrases = dict(prefixes.KNOWN), dict(phrases.KNOWN)
    prefixes.KNOWN.clear()
    phrases.KNOWN.clear()
    yield
    prefixes.KNOWN.clear()
    prefixes.KNOWN.update(saved_prefixes)
    phrases.KNOWN.clear()
    phrases.KNOWN.update(saved_phrases)


def test_answers_are_remembered_per_pattern(fresh_tables: None) -> None:
    got = prefixes.literal_prefixes(r"guara?nte+d|money[\s-]?back")
    assert got is not None
    assert got.strings == {"guarante", "guarnted", "guarntee", "money ba", "money-ba", "moneybac"}
    assert prefixes.KNOWN[(r"guara?nte+d|money[\s-]?back", 8, 12)] == got
    assert prefixes.literal_prefixes(r"\w+ing") is None  # no literal start: remembered too
    assert (r"\w+ing", 8, 12) in prefixes.KNOWN
    assert phrases.expand("visit(?:ed)?") == {"visit", "visited"}
    assert phrases.KNOWN["visit(?:ed)?"] == frozenset({"visit", "visited"})


def test_saved_answers_read_back_the_same(tmp_path: Path, fresh_tables: None) -> None:
    patterns = [r"guara?nte+d|money[\s-]?back", r"\d+\s*%", r"\w+ing", r"(?:best|top)\s+doc"]
    computed = {p: prefixes.literal_prefixes(p) for p in patterns}
    assert phrases.expand("x-?rays?") == {"x rays", "xrays", "x ray", "xray"}
    assert phrases.expand(r"\w+ly") is None
    path = tmp_path / "memo.json"
    guard_memo.save(path)
    prefixes.KNOWN.clear()
    phrases.KNOWN.clear()
    assert guard_memo.load(path) == len(patterns) + 2
    for pattern, answer in computed.items():
        assert prefixes.KNOWN[(pattern, 8, 12)] == answer
    assert phrases.KNOWN["x-?rays?"] == {"x rays", "xrays", "x ray", "xray"}
    assert phrases.KNOWN[r"\w+ly"] is None
    assert computed[r"\d+\s*%"] is not None and computed[r"\d+\s*%"].digit_class


@pytest.mark.parametrize("content", [
    "not json",
    "[]",
    json.dumps({"format": 99, "prefixes": [], "phrases": []}),
    json.dumps({"format": 1, "prefixes": [["a", 8, 12, "abc", False]], "phrases": []}),
    json.dumps({"format": 1, "prefixes": [["a", "8", 12, ["a"], False]], "phrases": []}),
    json.dumps({"format": 1, "prefixes": [], "phrases": [[1, ["a"]]]}),
    json.dumps({"format": 1, "prefixes": []}),
])
def test_a_malformed_memo_is_ignored_whole(tmp_path: Path, fresh_tables: None,
                                           content: str) -> None:
    path = tmp_path / "memo.json"
    path.write_text(content)
    assert guard_memo.load(path) == 0
    assert prefixes.KNOWN == {} and phrases.KNOWN == {}


def test_a_missing_or_unwritable_memo_costs_nothing_but_time(tmp_path: Path,
                                                              fresh_tables: None) -> None:
    assert guard_memo.load(tmp_path / "none.json") == 0
    blocker = tmp_path / "file"
    blocker.write_text("")
    guard_memo.save(blocker / "memo.json")  # its folder is a file: not written, no error
    assert not (blocker / "memo.json").exists()


def test_the_memo_is_named_for_its_rules_and_replaces_older_ones(tmp_path: Path) -> None:
    env = {"BEDSIDE_CACHE_DIR": str(tmp_path)}
    path = guard_memo.memo_path(env)
    assert path.parent == tmp_path and path.name.startswith("guard-memo-")
    assert guard_memo.memo_path(env) == path  # the same rules, the same name
    stale = tmp_path / "guard-memo-0000000000000000.json"
    stale.write_text("{}")
    with guard_memo.remembered(env):
        prefixes.literal_prefixes("a memo test pattern that no rule has(?:x|y)")
    assert path.exists() and not stale.exists()
    saved = json.loads(path.read_text())
    assert ["a memo test pattern that no rule has(?:x|y)", 8, 12, ["a memo t"], False] in (
        saved["prefixes"])


def test_checks_are_the_same_with_remembered_answers(tmp_path: Path) -> None:
    texts = ["Guaranteed painless results, book now!", "ur visit last tues went great Jen",
             "Saw Mr. Alvarez, 93, from Millbrook this morning", "100% risk-free x-rays"]
    ctx = Context(network="bluesky", kind="reply")
    before = [check(t, ctx).to_dict() for t in texts]
    path = tmp_path / "memo.json"
    guard_memo.save(path)
    assert guard_memo.load(path) > 100  # the tables these checks built
    assert [check(t, ctx).to_dict() for t in texts] == before
