"""Posts from LinkedIn's data export: Shares.csv (alone, or inside the export's zip).

Columns: Date ("2024-03-05 14:03:22", UTC), ShareLink (the post's address, holding its URN:
https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7170…), ShareCommentary (the text, its
line breaks kept inside quotes), SharedUrl, MediaUrl, Visibility. The export carries no counts.
Help page: https://www.linkedin.com/help/linkedin/answer/a1339364 (Download your account data).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from bedside.networks.base import ArchiveError, ArchivePost

__all__ = ["posts", "read"]

REQUIRED = ("Date", "ShareLink", "ShareCommentary")
_URN = re.compile(r"urn:li:(?:share|ugcPost|activity):\d+")


def read(path: Path) -> Iterator[ArchivePost]:
    """Every post in Shares.csv at `path` (or in the zip at `path`), oldest first.

    Raises ArchiveError naming the file and the line of the first problem.
    """
    name, raw = _file(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    return iter(sorted(posts(text, name=name), key=lambda post: post.created_at))


def posts(text: str, *, name: str) -> list[ArchivePost]:
    """The posts of Shares.csv's text (pure); ArchiveError names the line at fault."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        raise ArchiveError(f"{name}: line 1: columns {', '.join(missing)} missing (is this"
                           " LinkedIn's Shares.csv?)")
    found = []
    try:
        for row in reader:
            where = f"{name}: line {reader.line_num}"
            try:
                created = datetime.strptime(row["Date"] or "", "%Y-%m-%d %H:%M:%S")
            except ValueError:
                raise ArchiveError(f"{where}: unreadable date {row['Date']!r}") from None
            link = row.get("ShareLink") or ""
            urn = _URN.search(unquote(link))
            body = (row.get("ShareCommentary") or "").strip()
            shared = (row.get("SharedUrl") or "").strip()
            if shared and shared not in body:
                body = f"{body}\n{shared}".strip()
            if not body:
                continue
            remote_id = urn[0] if urn else f"linkedin-export:{created:%Y%m%d%H%M%S}"
            found.append(ArchivePost(network="linkedin", remote_id=remote_id,
                                     created_at=created.replace(tzinfo=UTC), text=body,
                                     url=link or None))
    except csv.Error as exc:
        raise ArchiveError(f"{name}: line {reader.line_num}: {exc}") from None
    return found


def _file(path: Path) -> tuple[str, bytes]:
    if not path.exists():
        raise ArchiveError(f"{path}: no such file")
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "Shares.csv"]
                if not names:
                    raise ArchiveError(f"{path}: no Shares.csv inside")
                return f"{path.name}:{names[0]}", archive.read(names[0])
        return path.name, path.read_bytes()
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{path}: a damaged zip ({exc})") from None
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc.strerror or exc})") from None
