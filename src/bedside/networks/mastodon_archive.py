"""A Mastodon data export (Preferences → Import and export → Request your archive) read back.

The archive is a zip holding `outbox.json`: an ActivityStreams `OrderedCollection` whose
`orderedItems` are the account's activities (https://docs.joinmastodon.org/user/moving/#export,
https://www.w3.org/TR/activitystreams-vocabulary/#dfn-orderedcollection). A `Create` wraps a
`Note` (the post: `id`, `url`, `published`, HTML `content`, `inReplyTo`); an `Announce` is a
boost of someone else's post and is left out. The export holds no like or boost counts, so
`metrics` stay empty.

The whole file is parsed before the first post is returned, so a damaged file fails before a
caller can store anything.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bedside.networks.base import ArchiveError, ArchivePost
from bedside.networks.html_text import plain_text

__all__ = ["MAX_BYTES", "read"]

MAX_BYTES = 1 << 30  # an outbox.json larger than 1 GiB unpacked is not an export we can trust
MEMBER = "outbox.json"


def read(path: Path) -> Iterator[ArchivePost]:
    """Posts from `outbox.json`, or from the export zip that holds it, oldest first."""
    where, raw = _load(path)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{where}: not UTF-8 text (byte {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"{where}: damaged JSON at line {exc.lineno}, column {exc.colno}"
                           f" ({exc.msg}).") from None
    if not isinstance(document, dict) or not isinstance(document.get("orderedItems"), list):
        raise ArchiveError(f"{where}: not a Mastodon outbox (no 'orderedItems' list).")
    posts = [post for number, item in enumerate(document["orderedItems"], 1)
             if (post := _post(item, where, number)) is not None]
    posts.sort(key=lambda post: post.created_at)
    return iter(posts)


def _load(path: Path) -> tuple[str, bytes]:
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist()
                         if n == MEMBER or n.endswith("/" + MEMBER)]
                if not names:
                    raise ArchiveError(f"{path}: this zip holds no {MEMBER}; is it a Mastodon"
                                       " archive?")
                info = archive.getinfo(min(names, key=len))
                if info.file_size > MAX_BYTES:
                    raise ArchiveError(f"{path}: {info.filename} unpacks to more than 1 GiB.")
                return f"{path} ({info.filename})", archive.read(info)
        if path.stat().st_size > MAX_BYTES:
            raise ArchiveError(f"{path}: larger than 1 GiB.")
        return str(path), path.read_bytes()
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc}).") from None


def _post(item: Any, where: str, number: int) -> ArchivePost | None:
    here = f"{where}: item {number}"
    if not isinstance(item, dict):
        raise ArchiveError(f"{here}: not an activity object.")
    if item.get("type") != "Create":
        return None  # Announce (a boost), Like…: not the account's own words
    note = item.get("object")
    if not isinstance(note, dict):
        raise ArchiveError(f"{here}: a Create without its object.")
    if note.get("type") not in ("Note", "Question", "Article"):
        return None
    ident, published = note.get("id"), note.get("published") or item.get("published")
    if not isinstance(ident, str) or not ident:
        raise ArchiveError(f"{here}: the post has no id.")
    if not isinstance(published, str):
        raise ArchiveError(f"{here}: the post has no 'published' date.")
    try:
        created = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        raise ArchiveError(f"{here}: 'published' is not a date: {published[:40]!r}.") from None
    content = note.get("content")
    if content is None:
        content = _first(note.get("contentMap"))
    reply_to = note.get("inReplyTo")
    url = note.get("url")
    return ArchivePost(
        network="mastodon", remote_id=ident.rstrip("/").rsplit("/", 1)[-1],
        created_at=created if created.tzinfo else created.replace(tzinfo=UTC),
        text=plain_text(content if isinstance(content, str) else ""),
        url=url if isinstance(url, str) else ident,
        reply_to=reply_to if isinstance(reply_to, str) else None,
    )


def _first(mapping: Any) -> str | None:
    if isinstance(mapping, Mapping):
        for value in mapping.values():
            if isinstance(value, str):
                return value
    return None
