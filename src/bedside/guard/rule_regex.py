"""Rule patterns made fast: compiled with `re` where it can (falling back to `regex`), and
tried only where a match can start, read from the pattern's own parse tree."""

from __future__ import annotations

import re
from typing import Any, TypeAlias

import regex

try:  # the stdlib's own regex parser (private): without it, rules fall back to a plain search
    import re._constants as _c  # type: ignore[import-not-found,unused-ignore]
    import re._parser as _p  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover
    _c = _p = None

Pattern: TypeAlias = "re.Pattern[str] | regex.Pattern[str]"


def compile_fast(pattern: str) -> Pattern:
    """Compile with the standard `re` (two to three times faster on these alternations), falling
    back to `regex` for syntax only it knows (\\p{L}, variable-width look-behind)."""
    try:
        return re.compile(pattern)
    except re.error:
        return regex.compile(pattern, regex.V0)


# First characters of a pattern, read from its parse tree, let `re` skip in C to the few places a
# match can start (a big alternation of groups otherwise runs at every position).
_CATS: dict[Any, str] = {} if _c is None else {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W"}
_REPEATS: set[Any] = set() if _c is None else {
    _c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


def _ch(code: int) -> str:
    return f"\\U{code:08x}"


def _seq(items: Any) -> tuple[set[str], bool] | None:
    """First characters of a parsed sequence, and whether it can match the empty string."""
    out: set[str] = set()
    for op, av in items:
        got = _item(op, av)
        if got is None:
            return None
        out |= got[0]
        if not got[1]:
            return out, False
    return out, True


def _item(op: Any, av: Any) -> tuple[set[str], bool] | None:
    """First characters of one parse-tree node (None: not understood), and whether it is
    optional or zero-width."""
    if op is _c.LITERAL:
        return {_ch(av)}, False
    if op is _c.IN:
        out: set[str] = set()
        for iop, iav in av:
            if iop is _c.LITERAL:
                out.add(_ch(iav))
            elif iop is _c.RANGE:
                out.add(_ch(iav[0]) + "-" + _ch(iav[1]))
            elif iop is _c.CATEGORY and iav in _CATS:
                out.add(_CATS[iav])
            else:
                return None
        return out, False
    if op is _c.BRANCH:
        out, nullable = set[str](), False
        for sub in av[1]:
            got = _seq(sub.data)
            if got is None:
                return None
            out |= got[0]
            nullable = nullable or got[1]
        return out, nullable
    if op is _c.SUBPATTERN:
        _group, add, delete, sub = av
        if add or delete:
            return None
        return _seq(sub.data)
    if op in _REPEATS:
        lo, _hi, sub = av
        got = _seq(sub.data)
        if got is None:
            return None
        return got[0], got[1] or lo == 0
    if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
        return set(), True
    return None


def first_chars(pattern: str) -> str | None:
    """A character class of every character a match can start with; None when unsure."""
    if _p is None:
        return None
    parsed = _p.parse(pattern)
    if parsed.state.flags & (re.I | re.X | re.M | re.S) or parsed.state.groups > 1:
        return None
    got = _seq(parsed.data)
    if got is None or got[1] or not got[0]:
        return None
    return "[" + "".join(sorted(got[0])) + "]"


def word_start_finder(pattern: Pattern) -> re.Pattern[str] | None:
    """`pattern` as group 1, tried only right after a non-word character and before one of its
    first characters; `re` skips in C to those few places. With a match at 0, the same matches
    as `Rule.spans`' retry loop (a match starts a word). None when a match can be empty."""
    if not isinstance(pattern, re.Pattern):
        return None
    try:
        first = first_chars(pattern.pattern)
    except (AttributeError, TypeError, ValueError, re.error):  # a parse tree it cannot read
        return None
    if first is None:
        return None
    return re.compile(r"[\W](?=" + first + r")(?=(" + pattern.pattern + "))")
