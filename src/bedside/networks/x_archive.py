"""An X archive (Settings → Your account → Download an archive of your data) read back.

The zip holds `data/tweets.js` (older archives: `data/tweet.js`; very large ones add
`data/tweets-part1.js`…), JavaScript assigning a JSON array:

    window.YTD.tweets.part0 = [ {"tweet": {"id_str": "…", "created_at": "Wed Nov 27 09:00:00
      +0000 2026", "full_text": "…", "favorite_count": "3", "retweet_count": "1",
      "in_reply_to_status_id_str": "…", "entities": {"urls": [{"url": "https://t.co/…",
      "expanded_url": "https://…"}]}}}, … ]

(https://help.x.com/en/managing-your-account/how-to-download-your-x-archive; the layout is
the archive's own README.txt.) Text comes with t.co links, which are put back to the address
the author wrote, and with &amp; &lt; &gt; escaped, which is undone. The account's username, for
the posts' addresses, comes from `data/account.js`. Everything is parsed before the first post
is returned.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bedside.networks.base import ArchiveError, ArchivePost

__all__ = ["read"]

MAX_BYTES = 1 << 30
_PARTS = re.compile(r"(?:^|/)data/(?:tweets?|tweets-part\d+)\.js$")
_PREFIX = re.compile(r"\A\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*")


def read(path: Path) -> Iterator[ArchivePost]:
    """Posts from an X archive zip (or a lone tweets.js), oldest first."""
    files = _files(path)
    username = None
    if "account" in files:
        where, raw = files.pop("account")
        accounts = _array(where, raw)
        if accounts and isinstance(accounts[0], dict):
            username = (accounts[0].get("account") or {}).get("username")
    posts: list[ArchivePost] = []
    for where, raw in files.values():
        for number, item in enumerate(_array(where, raw), 1):
            posts.append(_post(item, f"{where}: item {number}", username))
    posts.sort(key=lambda post: post.created_at)
    return iter(posts)


def _files(path: Path) -> dict[str, tuple[str, bytes]]:
    try:
        if not zipfile.is_zipfile(path):
            if path.stat().st_size > MAX_BYTES:
                raise ArchiveError(f"{path}: larger than 1 GiB.")
            return {"tweets": (str(path), path.read_bytes())}
        with zipfile.ZipFile(path) as archive:
            found: dict[str, tuple[str, bytes]] = {}
            for info in archive.infolist():
                kind = ("account" if info.filename.endswith("data/account.js")
                        else info.filename if _PARTS.search(info.filename) else None)
                if kind is None:
                    continue
                if info.file_size > MAX_BYTES:
                    raise ArchiveError(f"{path}: {info.filename} unpacks to more than 1 GiB.")
                found[kind] = (f"{path} ({info.filename})", archive.read(info))
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc}).") from None
    if not any(kind != "account" for kind in found):
        raise ArchiveError(f"{path}: this zip holds no data/tweets.js; is it an X archive?")
    return found


def _array(where: str, raw: bytes) -> list[Any]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{where}: not UTF-8 text (byte {exc.start}).") from None
    prefix = _PREFIX.match(text)
    if prefix is None:
        raise ArchiveError(f"{where}: does not start with 'window.YTD.….part0 = '; is it from an"
                           " X archive?")
    try:
        document = json.loads(text[prefix.end():])
    except json.JSONDecodeError as exc:
        column = exc.colno + (prefix.end() if exc.lineno == 1 else 0)
        raise ArchiveError(f"{where}: damaged JSON at line {exc.lineno}, column {column}"
                           f" ({exc.msg}).") from None
    if not isinstance(document, list):
        raise ArchiveError(f"{where}: expected a list of posts.")
    return document


def _post(item: Any, here: str, username: str | None) -> ArchivePost:
    tweet = item.get("tweet", item) if isinstance(item, dict) else None
    if not isinstance(tweet, dict):
        raise ArchiveError(f"{here}: not a post object.")
    ident = tweet.get("id_str") or tweet.get("id")
    if not isinstance(ident, str | int) or not str(ident).isdigit():
        raise ArchiveError(f"{here}: the post has no id.")
    try:
        created = datetime.strptime(str(tweet.get("created_at")), "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        raise ArchiveError(f"{here}: 'created_at' is not a date:"
                           f" {str(tweet.get('created_at'))[:40]!r}.") from None
    text = tweet.get("full_text", tweet.get("text"))
    if not isinstance(text, str):
        raise ArchiveError(f"{here}: the post has no text.")
    for link in (tweet.get("entities") or {}).get("urls") or []:
        if isinstance(link, dict) and link.get("url") and link.get("expanded_url"):
            text = text.replace(link["url"], link["expanded_url"])
    metrics = {name: int(tweet[key]) for name, key in (("likes", "favorite_count"),
                                                       ("reposts", "retweet_count"))
               if str(tweet.get(key, "")).isdigit()}
    reply_to = tweet.get("in_reply_to_status_id_str")
    owner = username or "i/web"
    return ArchivePost(
        network="x", remote_id=str(ident), created_at=created.astimezone(UTC),
        text=html.unescape(text), url=f"https://x.com/{owner}/status/{ident}",
        reply_to=reply_to if isinstance(reply_to, str) and reply_to else None, metrics=metrics)
