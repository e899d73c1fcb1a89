"""Lexicon patterns as phrase sets: a finite regex becomes the word sequences it spells.

Running a 100-way alternation over every position of a post costs tens of microseconds; looking
each word of the post up in a dict costs a few. At load time each pattern whose language is
finite and small ('visit(?:ed)?', 'x-?rays?', '(?:my|our) patient') is expanded into phrases;
the rest (with \\w+, \\d+ or look-arounds) stays a regex, run as one small alternation.
Phrases are compared word by word, punctuation between words ignored ("check-up" = "check up").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, product
from typing import Any

from bedside.guard import spans

try:  # the stdlib regex parser: private, so fall back to plain regexes if it ever changes
    from re import _parser as sre_parse  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # pragma: no cover
    sre_parse = None

_LIMIT = 20_000  # most strings one pattern may expand to (the trie shares their prefixes)
_WORD = re.compile(r"[a-z0-9]+")
# A whole word of any letters (\w+) or digits (\d+) inside a phrase: a wildcard in the trie.
ANY_WORD, ANY_NUMBER = "\x01", "\x02"
_TOKEN = re.compile(r"[a-z0-9]+|[\x01\x02]")


_GLUED = re.compile(r"[a-z0-9][\x01\x02]|[\x01\x02][a-z0-9]")


class _Infinite(Exception):
    """The pattern's language is infinite or too large to list."""


def _chars(items: list[tuple[Any, Any]]) -> set[str]:
    out: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.add(chr(arg))
        elif name == "RANGE" and arg[1] - arg[0] < 12:
            out.update(chr(c) for c in range(arg[0], arg[1] + 1))
        else:
            raise _Infinite
    return out


def _seq(items: Iterable[tuple[Any, Any]]) -> set[str]:
    result = {""}
    for op, arg in items:
        part = _node(str(op), arg)
        result = {a + b for a, b in product(result, part)}
        if len(result) > _LIMIT:
            raise _Infinite
    return result


def _node(name: str, arg: Any) -> set[str]:
    if name == "LITERAL":
        return {chr(arg)}
    if name == "IN":
        return _chars(arg)
    if name == "SUBPATTERN":
        return _seq(arg[-1])
    if name == "BRANCH":
        return set().union(*(_seq(branch) for branch in arg[1]))
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, high, sub = arg
        wildcard = _wildcard(sub)
        if wildcard and low >= 1:
            return {wildcard}
        if high > 3:
            raise _Infinite
        body = _seq(sub)
        out: set[str] = set()
        for n in range(low, high + 1):
            out |= {"".join(p) for p in product(body, repeat=n)}
        return out
    raise _Infinite  # ANY, categories (\w, \d), look-arounds, anchors


def _wildcard(sub: Any) -> str | None:
    """ANY_WORD for a repeated \\w, ANY_NUMBER for a repeated \\d, else None."""
    items = list(sub)
    if len(items) == 1 and str(items[0][0]) == "IN" and len(items[0][1]) == 1:
        op, arg = items[0][1][0]
        if str(op) == "CATEGORY":
            return {"CATEGORY_WORD": ANY_WORD, "CATEGORY_DIGIT": ANY_NUMBER}.get(str(arg))
    return None


# expand's answers by pattern: a pure function, filled from disk by a short-lived process
# (bedside.guard_memo), as prefixes.KNOWN is.
KNOWN: dict[str, frozenset[str] | None] = {}


def expand(pattern: str) -> set[str] | None:
    """The phrases a finite pattern matches, in word form; None when it is not finite."""
    if pattern in KNOWN:
        known = KNOWN[pattern]
        return None if known is None else set(known)
    got = _expand(pattern)
    KNOWN[pattern] = None if got is None else frozenset(got)
    return got


def _expand(pattern: str) -> set[str] | None:
    if sre_parse is None:
        return None
    try:
        strings = _seq(sre_parse.parse(pattern))
    except (_Infinite, re.error, TypeError, ValueError):
        return None
    phrases = set()
    for string in strings:
        if _GLUED.search(string):
            return None  # a wildcard inside a word ("\\d+yo"): leave it to the regex
        phrases.add(" ".join(_TOKEN.findall(string.lower())))
    if "" in phrases or any(p[0] in (ANY_WORD, ANY_NUMBER) for p in phrases):
        return None  # a phrase must start with a real word to be looked up
    return phrases


def words_of(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for each run of lower-case letters or digits."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


# A trie node: (kinds whose phrase ends here, or None; word -> child; the child after any word
# (\\w+), or None; the child after a number (\\d+), or None). Tuples: the walk unpacks them
# instead of looking up three keys per node.
Node = tuple[frozenset[int] | None, dict[str, Any], Any, Any]


def _freeze(node: dict[str, Any]) -> Node:
    children = {w: _freeze(c) for w, c in node.items() if w and w not in (ANY_WORD, ANY_NUMBER)}
    any_word, any_number = node.get(ANY_WORD), node.get(ANY_NUMBER)
    return (node.get("") or None, children, any_word and _freeze(any_word),
            any_number and _freeze(any_number))


@dataclass(frozen=True, slots=True)
class CueSet:
    """Several named cue lists matched in one pass: phrases through a word trie, the rest by one
    regex alternation (in list order, so at one position the earlier list wins).

    At each word, the longest phrase of each list that starts there is reported.
    """

    kinds: tuple[str, ...]
    trie: dict[str, Node]  # first word -> its node
    rest: re.Pattern[str] | None
    firsts: re.Pattern[str]  # the trie's first words, as whole words

    @classmethod
    def build(cls, lists: dict[str, list[str]]) -> CueSet:
        kinds = tuple(lists)
        trie: dict[str, Any] = {}
        groups: list[str] = []
        for k, kind in enumerate(kinds):
            rest: list[str] = []
            for pattern in lists[kind]:
                expanded = expand(pattern)
                if expanded is None:
                    rest.append(pattern)
                    continue
                for phrase in expanded:
                    node = trie
                    for w in phrase.split():
                        node = node.setdefault(w, {})
                    node[""] = node.get("", frozenset()) | {k}
            if rest:
                groups.append(f"(?P<k{k}>" + "|".join(f"(?:{p})" for p in rest) + ")")
        body = r"(?<![\w])(?:" + "|".join(groups) + r")(?![\w])"
        firsts = "(?<![a-z0-9])(?:" + spans.trie(trie) + ")(?![a-z0-9])" if trie else "(?!)"
        return cls(kinds, {w: _freeze(c) for w, c in trie.items()},
                   re.compile(body) if groups else None, re.compile(firsts))

    def find(self, text: str, at: list[int] | None = None) -> dict[str, list[tuple[int, int]]]:
        """Spans of `text` for each cue list (lists with no match are absent). `at`, when
        given, holds every word start where `rest` can match (heads.py): it is tried there."""
        found = self.find_phrases(text)
        for name, got in self.find_rest(text, at).items():
            found.setdefault(name, []).extend(got)
        return found

    def find_phrases(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """The trie's part of `find`: spans of the phrases (lists with none are absent)."""
        flat = flat_words(text)
        words = flat.split()
        trie = self.trie
        n = len(words)
        out: list[list[tuple[int, int]]] = [[] for _ in self.kinds]
        cursor = 0
        # Only the words that start a phrase are read (found in C): a post has few.
        for i in compress(range(n), map(trie.get, words)):
            word = words[i]
            node = trie[word]
            # `flat` has a space before its first word: a position in it, less one, is one in
            # `text`. The word is whole: no letter or digit either side.
            start = flat.find(f" {word} ", cursor)
            end = start + len(word)
            cursor = end + 1
            done, children, any_word, any_number = node
            nxt = words[i + 1] if i + 1 < n else None
            if nxt is None or (nxt not in children and any_word is None and (
                    any_number is None or not nxt.isdigit())):
                if done:  # most phrases are one word, and most words go on with no phrase
                    for kind in done:
                        out[kind].append((start, end))
                continue
            for kind, last in _walk(node, words, i + 1, flat, end).items():
                out[kind].append((start, last))
        kinds = self.kinds
        return {kinds[k]: got for k, got in enumerate(out) if got}

    def find_rest(self, text: str, at: list[int] | None = None) -> dict[str, list[tuple[int, int]]]:
        """The regex's part of `find` (see there)."""
        found: dict[str, list[tuple[int, int]]] = {}
        if self.rest is None:
            return found
        kinds = self.kinds
        for m in self.rest.finditer(text) if at is None else _matches_at(self.rest, text, at):
            name = kinds[int(str(m.lastgroup)[1:])]
            found.setdefault(name, []).append((m.start(), m.end()))
        return found


# Each character of a text that is no word character ([a-z0-9]) made a space: one byte per
# character, so positions stay those of the text (anything beyond ASCII is "?", then a space).
_FLAT = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 0x20 for c in range(256))


def flat_words(text: str) -> str:
    """`text` with a space before and after and every non-word character a space: its words
    are `.split()`, and `text[i]` is the result's character i + 1."""
    return " " + text.encode("ascii", "replace").translate(_FLAT).decode("ascii") + " "


def _walk(node: Node, words: list[str], j: int, flat: str, end: int) -> dict[int, int]:
    """Kind -> end of its longest phrase that starts with `node`'s word (which ends at `end`);
    `words[j]` is the next word."""
    last: dict[int, int] = {}
    frontier = [node]  # the nodes reached after the word ending at `end`
    n = len(words)
    while frontier:
        word = words[j] if j < n else None
        reached: list[Node] = []
        for done, children, any_word, any_number in frontier:
            if done:
                for kind in done:
                    last[kind] = end  # `end` only grows: the last one is the longest
            if word is not None:
                child = children.get(word)
                if child is not None:
                    reached.append(child)
                if any_word is not None:
                    reached.append(any_word)
                if any_number is not None and word.isdigit():
                    reached.append(any_number)
        if word is None or not reached:
            break
        frontier = reached
        # only spaces lie between the last word and this one: its first match is the word
        end = flat.find(word, end + 1) - 1 + len(word)
        j += 1
    return last


def _matches_at(pattern: re.Pattern[str], text: str, at: list[int]) -> list[re.Match[str]]:
    """What `finditer` gives when `at` (ascending) holds every place a non-empty match can
    start."""
    out: list[re.Match[str]] = []
    end = 0
    for p in at:
        if p >= end:
            m = pattern.match(text, p)
            if m is not None:
                out.append(m)
                end = m.end()
    return out
