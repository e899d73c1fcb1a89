"""Images for posts: kept in the data directory, one folder per workspace, named by a random id.

The browser never names a path: an upload gets a name like `3f2a….png` and a version's images
are given back by that name, resolved here inside the actor's own folder (so one practice cannot
attach another's file, and no form can make the worker read an arbitrary file). The type is read
from the file's first bytes, not from what the browser claims. Every image needs alt text
(networks.base.Image refuses one without it at send time).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bedside.errors import UsageError
from bedside.services.workspaces import Actor, NotFound
from bedside.settings import Settings

MAX_BYTES = 8 * 1024 * 1024  # what bedside keeps; a network with a lower cap refuses at send
MAX_ALT = 1000  # the shortest alt_text_max in guard/data/limits.toml (X)
_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp)$")
_MIME = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


@dataclass(frozen=True)
class StoredImage:
    name: str
    mime: str
    size: int


def sniff(data: bytes) -> str | None:
    """The image's extension from its first bytes (PNG, JPEG, GIF, WebP), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _folder(settings: Settings, actor: Actor) -> Path:
    return settings.data_dir / "images" / str(actor.workspace_id)


def save_image(settings: Settings, actor: Actor, data: bytes) -> StoredImage:
    """Keep an uploaded image; UsageError for an empty, too large or non-image file."""
    actor.require("compose", "add images")
    if not data:
        raise UsageError("choose an image file to add")
    if len(data) > MAX_BYTES:
        raise UsageError(f"that image is {len(data) / 1e6:.1f} MB; the networks take at most "
                         f"{MAX_BYTES // (1024 * 1024)} MB: make it smaller")
    kind = sniff(data)
    if kind is None:
        raise UsageError("that file is not a PNG, JPEG, GIF or WebP image")
    folder = _folder(settings, actor)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{kind}"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return StoredImage(name, _MIME[kind], len(data))


def image_path(settings: Settings, actor: Actor, name: str) -> Path:
    """The file of an image of the actor's workspace; NotFound for any other name."""
    if not _NAME.match(name):
        raise NotFound(f"no image {name!r} in this workspace")
    path = _folder(settings, actor) / name
    if not path.is_file():
        raise NotFound(f"no image {name!r} in this workspace")
    return path


def attach(settings: Settings, actor: Actor,
           images: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The version's image items ({"path", "alt", "mime"}) for (name, alt text) pairs."""
    items = []
    for name, alt in images:
        path = image_path(settings, actor, name)
        if not alt.strip():
            raise UsageError("every image needs alt text: describe it for those who cannot "
                             "see it")
        if len(alt) > MAX_ALT:
            raise UsageError(f"alt text is at most {MAX_ALT} characters on every network "
                             f"(this one has {len(alt)})")
        items.append({"path": str(path), "alt": alt.strip(),
                      "mime": _MIME[path.suffix.lstrip(".")]})
    return items


def name_of(item: dict[str, str]) -> str:
    """The name the composer shows for a stored item."""
    return Path(item["path"]).name
