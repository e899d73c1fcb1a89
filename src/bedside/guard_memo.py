"""The guard's start-up answers, kept on disk between runs.

Most of a fresh process's first check is spent reading the guard's own regexes: their literal
prefixes (guard.prefixes) and the phrases a finite pattern spells (guard.phrases). Both are pure
functions of the pattern's text, so their answers can be kept in a file keyed by that text and
read back by the next short-lived process (`bedside check TEXT`). A rule edited since is simply
a key not in the file: it is read again, never answered wrongly. The file is named for the
guard's data files and version, so answers of rules since removed go with the old file. It holds
rule patterns only, never a checked text.

    BEDSIDE_CACHE_DIR   where the file lives (default: the OS's user cache directory)

The guard itself stays pure: this module, at the edge, fills and saves its tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs

from bedside import __version__
from bedside.guard import phrases, prefixes

log = logging.getLogger(__name__)

FORMAT = 1
_DATA = Path(prefixes.__file__).parent / "data"


def _fingerprint() -> str:
    """The guard's version and data files, hashed: the rules the answers were read from. The
    answers read a pattern with this Python's own `re` parser: another version keeps its own."""
    digest = hashlib.sha256(f"{FORMAT} {__version__} {sys.version_info[:2]}".encode())
    for data_file in sorted(_DATA.iterdir()):
        digest.update(data_file.name.encode() + b"\0" + data_file.read_bytes())
    return digest.hexdigest()[:16]


def memo_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    folder = Path(env.get("BEDSIDE_CACHE_DIR") or platformdirs.user_cache_dir("bedside"))
    return folder / f"guard-memo-{_fingerprint()}.json"


def _strings(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ValueError("not a list of strings")
    return frozenset(value)


def load(path: Path) -> int:
    """Fill the guard's tables from `path`; how many answers it gave. A missing, unreadable or
    malformed file gives none (the guard then reads its patterns itself), never an error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return 0
        found_prefixes: dict[tuple[str, int, int], prefixes.Prefixes | None] = {}
        for pattern, k, widest, strings, digit_class in data["prefixes"]:
            if not (isinstance(pattern, str) and type(k) is int and type(widest) is int
                    and type(digit_class) is bool):
                raise ValueError("malformed prefix entry")
            got = _strings(strings)
            found_prefixes[(pattern, k, widest)] = (
                None if got is None else prefixes.Prefixes(got, digit_class))
        found_phrases: dict[str, frozenset[str] | None] = {}
        for pattern, strings in data["phrases"]:
            if not isinstance(pattern, str):
                raise ValueError("malformed phrase entry")
            found_phrases[pattern] = _strings(strings)
    except FileNotFoundError:
        return 0
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
        log.info("guard memo %s not used: %s", path, exc)
        return 0
    for key, value in found_prefixes.items():
        prefixes.KNOWN.setdefault(key, value)
    for pattern, phrase_set in found_phrases.items():
        phrases.KNOWN.setdefault(pattern, phrase_set)
    return len(found_prefixes) + len(found_phrases)


def save(path: Path) -> None:
    """Write the guard's tables to `path` (atomically: a reader sees the old file or the new
    one, whole). Failing to write costs only the next run's start-up, so it is not an error."""
    data = {
        "format": FORMAT,
        "prefixes": sorted(
            [p, k, w, None if got is None else sorted(got.strings),
             False if got is None else got.digit_class]
            for (p, k, w), got in prefixes.KNOWN.items()),
        "phrases": sorted(
            [p, None if got is None else sorted(got)] for p, got in phrases.KNOWN.items()),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".guard-memo-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        for old in path.parent.glob("guard-memo-*.json"):  # of other rules: never read again
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("guard memo %s not written: %s", path, exc)


@contextmanager
def remembered(environ: Mapping[str, str] | None = None) -> Iterator[None]:
    """Around a short run of the guard: start from the last run's answers, and keep the
    answers it added for the next."""
    path = memo_path(environ)
    load(path)
    before = len(prefixes.KNOWN) + len(phrases.KNOWN)
    yield
    if len(prefixes.KNOWN) + len(phrases.KNOWN) > before:
        save(path)
