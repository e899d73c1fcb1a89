"""Posts from Facebook's "Download your information" export, in its JSON format.

The posts file is `your_posts_1.json` (older exports: `posts/your_posts_1.json`; newer:
`your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json`; more than one
when there are many posts), a list of

    {"timestamp": 1700000000, "data": [{"post": "text"}, {"update_timestamp": …}],
     "attachments": [{"data": [{"external_context": {"url": "…"}}, {"media": {…}}]}],
     "title": "…"}

A known quirk: every string is written as UTF-8 bytes escaped one by one as if they were
Latin-1 ("caf\\u00c3\\u00a9" for "café"). `unmangle` undoes it (and leaves a string alone when
it is not such a mangle). The export has no post ids, so a post's id here is made from its time
and text: re-reading the same export gives the same ids. No metrics are exported.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bedside.networks.base import ArchiveError, ArchivePost

__all__ = ["posts", "read", "unmangle"]

_POSTS_FILE = re.compile(r"(^|/)your_posts(__[a-z_]+)?_\d+\.json$")


def unmangle(text: str) -> str:
    """Undo Facebook's UTF-8-as-Latin-1 escaping; a string that is not mangled comes back as is."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def read(path: Path) -> Iterator[ArchivePost]:
    """Every post in the export at `path` (a posts JSON file, or the export's zip), oldest first.

    Raises ArchiveError naming the file and the position of the first problem.
    """
    found: list[ArchivePost] = []
    for name, raw in _files(path):
        try:
            document = json.loads(raw)
        except UnicodeDecodeError as exc:
            raise ArchiveError(f"{name}: not UTF-8 text (byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise ArchiveError(f"{name}: line {exc.lineno}, column {exc.colno}: {exc.msg}"
                               " (not Facebook's JSON export)") from None
        found.extend(posts(document, name=name))
    return iter(sorted(found, key=lambda post: post.created_at))


def posts(document: Any, *, name: str) -> list[ArchivePost]:
    """The posts of one parsed export file (pure); ArchiveError names the item at fault."""
    if not isinstance(document, list):
        raise ArchiveError(f"{name}: expected a list of posts, found {type(document).__name__}")
    found = []
    for number, item in enumerate(document, 1):
        where = f"{name}: post {number}"
        if not isinstance(item, dict):
            raise ArchiveError(f"{where}: expected an object, found {type(item).__name__}")
        stamp = item.get("timestamp")
        if isinstance(stamp, bool) or not isinstance(stamp, int | float) or stamp <= 0:
            raise ArchiveError(f"{where}: no valid 'timestamp' (found {stamp!r})")
        text = "\n".join(unmangle(entry["post"]) for entry in item.get("data", [])
                         if isinstance(entry, dict) and isinstance(entry.get("post"), str))
        link = _link(item)
        if not text and link is None:
            continue  # a photo or check-in with no words: nothing for the audit to read
        created = datetime.fromtimestamp(stamp, UTC)
        body = text if link is None or link in text else f"{text}\n{link}".strip()
        fingerprint = hashlib.sha256(body.encode()).hexdigest()[:16]
        found.append(ArchivePost(network="facebook",
                                 remote_id=f"facebook-export:{int(stamp)}:{fingerprint}",
                                 created_at=created, text=body))
    return found


def _link(item: dict[str, Any]) -> str | None:
    for attachment in item.get("attachments", []) or []:
        for data in (attachment or {}).get("data", []) or []:
            url = ((data or {}).get("external_context") or {}).get("url")
            if isinstance(url, str) and url:
                return unmangle(url)
    return None


def _files(path: Path) -> Iterator[tuple[str, bytes]]:
    if not path.exists():
        raise ArchiveError(f"{path}: no such file")
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                names = sorted(n for n in archive.namelist() if _POSTS_FILE.search(n))
                if not names:
                    raise ArchiveError(f"{path}: no your_posts_*.json inside: choose the JSON"
                                       " format when you download your information")
                for name in names:
                    yield f"{path.name}:{name}", archive.read(name)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveError(f"{path}: a damaged zip ({exc})") from None
        return
    try:
        yield path.name, path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc.strerror})") from None
