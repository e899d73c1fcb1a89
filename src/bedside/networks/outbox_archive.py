"""The outbox's own data export: one JSON file, like the networks' archives, read back whole.

    {"format": "bedside-outbox-archive", "version": 1, "handle": "dr.ng",
     "exported_at": "2026-11-27T12:00:00+00:00",
     "posts": [{"id": "outbox:1", "url": "outbox://dr.ng/1", "published_at": "…",
                "text": "…", "reply_to": null, "metrics": {"replies": 2, "quotes": 0}}]}

It lets the archive import be shown and tested end to end without any network's account. The
reader checks every post before yielding any, and an error names the file and the position
(a line and column for broken JSON, the post's number for a bad post).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bedside.networks.base import ArchiveError, ArchivePost, PostMetrics

if TYPE_CHECKING:
    from bedside.networks.outbox import OutboxRecord

__all__ = ["FORMAT", "read_archive", "write_archive"]

FORMAT = "bedside-outbox-archive"
VERSION = 1
_COUNTS = ("likes", "replies", "reposts", "quotes", "impressions", "clicks")


def write_archive(
    path: Path, handle: str, records: Sequence[OutboxRecord],
    metrics: Mapping[str, PostMetrics],
) -> int:
    """Write the archive atomically (aside, then renamed into place); return the post count."""
    posts = []
    for record in records:
        counts = metrics.get(record.remote_id)
        known = {} if counts is None else {
            name: getattr(counts, name) for name in _COUNTS if getattr(counts, name) is not None
        }
        posts.append({
            "id": record.remote_id, "url": record.url,
            "published_at": record.published_at.isoformat(), "text": record.text,
            "reply_to": record.reply_to, "metrics": known,
        })
    document = {"format": FORMAT, "version": VERSION, "handle": handle,
                "exported_at": datetime.now(UTC).isoformat(), "posts": posts}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:  # 0600: posts may hold patient data
            json.dump(document, out, ensure_ascii=False, indent=1)
        os.replace(aside, path)
    except BaseException:
        Path(aside).unlink(missing_ok=True)
        raise
    return len(posts)


def read_archive(path: Path) -> Iterator[ArchivePost]:
    """Every post of an outbox archive, all checked first; ArchiveError at the first problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ArchiveError(f"Cannot read {path}: {exc.strerror}.") from None
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{path} is not UTF-8 text (byte {exc.start}).") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArchiveError(
            f"{path} is damaged at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveError(f"{path} is not an outbox archive (no \"format\": \"{FORMAT}\").")
    if document.get("version") != VERSION:
        raise ArchiveError(f"{path}: archive version {document.get('version')!r} is unknown.")
    posts = document.get("posts")
    if not isinstance(posts, list):
        raise ArchiveError(f"{path}: \"posts\" must be a list.")
    read = [_post(item, f"{path}, post {number}") for number, item in enumerate(posts, 1)]
    return iter(read)


def _post(item: Any, where: str) -> ArchivePost:
    if not isinstance(item, dict):
        raise ArchiveError(f"{where}: not an object.")
    for name in ("id", "published_at", "text"):
        if not isinstance(item.get(name), str):
            raise ArchiveError(f"{where}: \"{name}\" is missing or not text.")
    try:
        created = datetime.fromisoformat(item["published_at"])
    except ValueError:
        raise ArchiveError(f"{where}: \"published_at\" is not a date and time.") from None
    if created.tzinfo is None:
        raise ArchiveError(f"{where}: \"published_at\" has no time zone.")
    metrics = item.get("metrics") or {}
    if not isinstance(metrics, dict) or not all(
        name in _COUNTS and isinstance(n, int) and not isinstance(n, bool) and n >= 0
        for name, n in metrics.items()
    ):
        raise ArchiveError(f"{where}: \"metrics\" must map {', '.join(_COUNTS)} to counts.")
    for name in ("url", "reply_to"):
        if item.get(name) is not None and not isinstance(item[name], str):
            raise ArchiveError(f"{where}: \"{name}\" must be text.")
    return ArchivePost(
        network="outbox", remote_id=item["id"], created_at=created, text=item["text"],
        url=item.get("url"), reply_to=item.get("reply_to"), metrics=metrics,
    )
