"""Posts from a Bluesky repository export: the CAR file of com.atproto.sync.getRepo.

Settings → Account → Export my data in the Bluesky app gives the same file (`repo.car`). A CAR
v1 file (https://ipld.io/specs/transport/car/carv1/) holds the signed commit, the Merkle Search
Tree (https://atproto.com/specs/repository#mst-structure) that maps "collection/rkey" to record
CIDs, and the records. atproto's decoder (libipld, through atproto_core's CAR) reads the blocks;
this module walks the tree and keeps the app.bsky.feed.post records. An export has no counts,
so `metrics` stays empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import libipld
from atproto_core.car import CAR
from atproto_core.cid import CID

from bedside.networks.base import ArchiveError, ArchivePost
from bedside.networks.bluesky_records import POST, AtUri, parse_time, post_url

__all__ = ["read_repo_export"]


def read_repo_export(path: Path) -> Iterator[ArchivePost]:
    """Yield the posts of the repository export at `path`, oldest first.

    Raises ArchiveError naming the file and the byte offset, tree node or record at fault.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc.strerror}).") from exc
    try:
        car = CAR.from_bytes(data)
    except Exception as exc:  # libipld raises ValueError and others; find where it broke
        raise ArchiveError(f"{path}: not a readable Bluesky repository export (CAR): "
                           f"{_damage(data)}.") from exc
    blocks: Mapping[CID, Any] = car.blocks
    commit = blocks.get(car.root)
    if not isinstance(commit, dict) or "did" not in commit or "data" not in commit:
        raise ArchiveError(f"{path}: its root block {car.root} is not a repository commit; "
                           "is this a Bluesky repository export?")
    did = str(commit["did"])
    posts = [_post(path, did, key, blocks, cid) for key, cid in _walk(path, blocks, commit["data"])
             if key.startswith(POST + "/")]
    posts.sort(key=lambda post: (post.created_at, post.remote_id))
    yield from posts


def _walk(path: Path, blocks: Mapping[CID, Any], root: Any) -> Iterator[tuple[str, CID]]:
    """Yield (key, record CID) of the tree at `root` in key order."""
    yield from _node(path, blocks, _cid(path, root, "the commit's data"), 0)


def _node(path: Path, blocks: Mapping[CID, Any], cid: CID,
          depth: int) -> Iterator[tuple[str, CID]]:
    node = blocks.get(cid)
    if not isinstance(node, dict) or not isinstance(node.get("e"), list):
        raise ArchiveError(f"{path}: tree node {cid} is missing or damaged.")
    if depth > 64:  # no real repository's tree is that deep (about 4 levels a million keys)
        raise ArchiveError(f"{path}: tree node {cid} loops back on itself.")
    if node.get("l") is not None:
        yield from _node(path, blocks, _cid(path, node["l"], f"tree node {cid}"), depth + 1)
    previous = b""
    for position, entry in enumerate(node["e"]):
        where = f"tree node {cid}, entry {position}"
        try:
            key = previous[: entry["p"]] + entry["k"]
            value = _cid(path, entry["v"], where)
        except (KeyError, TypeError) as exc:
            raise ArchiveError(f"{path}: {where} is damaged.") from exc
        previous = key
        try:
            yield key.decode("ascii"), value
        except UnicodeDecodeError as exc:
            raise ArchiveError(f"{path}: {where} has a key that is not ASCII.") from exc
        if entry.get("t") is not None:
            yield from _node(path, blocks, _cid(path, entry["t"], where), depth + 1)


def _cid(path: Path, link: Any, where: str) -> CID:
    """A link as decoded from a block (the CID's bytes) checked and wrapped."""
    if isinstance(link, CID):
        return link
    try:
        if not isinstance(link, bytes | str):
            raise TypeError(type(link).__name__)
        return CID.decode(link)
    except Exception as exc:
        raise ArchiveError(f"{path}: {where} links to something that is not a CID.") from exc


def _post(path: Path, did: str, key: str, blocks: Mapping[CID, Any], cid: CID) -> ArchivePost:
    collection, _, rkey = key.partition("/")
    uri = str(AtUri(did, collection, rkey))
    record = blocks.get(cid)
    if not isinstance(record, dict):
        raise ArchiveError(f"{path}: the record of {uri} ({cid}) is missing from the export.")
    try:
        created_at = parse_time(str(record["createdAt"]))
        text = record.get("text", "")
        if not isinstance(text, str):
            raise TypeError("text is not a string")
    except (KeyError, TypeError, ValueError) as exc:
        raise ArchiveError(f"{path}: the post {uri} is damaged ({exc}).") from exc
    reply = record.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    reply_to = parent.get("uri") if isinstance(parent, dict) else None
    return ArchivePost(network="bluesky", remote_id=uri, created_at=created_at, text=text,
                       url=post_url(did, rkey), reply_to=reply_to if isinstance(reply_to, str)
                       else None)


def _damage(data: bytes) -> str:
    """Say where the CAR framing (varint length, then a CID and its block) stops making sense."""
    offset = 0
    try:
        length, body = _varint(data, 0)
        header = libipld.decode_dag_cbor(data[body: body + length])
        if not isinstance(header, dict) or header.get("version") != 1:
            raise ValueError("not a CAR v1 header")
    except Exception:
        return "the header at byte 0 is damaged (is this a CAR file?)"
    offset = body + length
    number = 0
    while offset < len(data):
        start = offset
        try:
            length, body = _varint(data, offset)
            end = body + length
            if length == 0 or end > len(data):
                raise ValueError("the block runs past the end of the file")
            # CIDv1: version, codec, hash code and digest size are varints, then the digest.
            version, cursor = _varint(data, body)
            codec, cursor = _varint(data, cursor)
            _code, cursor = _varint(data, cursor)
            size, cursor = _varint(data, cursor)
            if version != 1 or cursor + size > end:
                raise ValueError("not a CIDv1")
            if codec == 0x71:  # dag-cbor
                libipld.decode_dag_cbor(data[cursor + size: end])
        except Exception:
            return f"block {number} at byte {start} is damaged"
        offset = end
        number += 1
    return "its blocks do not make a repository"


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if offset >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
        shift += 7
