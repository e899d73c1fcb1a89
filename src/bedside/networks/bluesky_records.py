"""Pure pieces of the Bluesky connector: record keys, AT URIs, public addresses, record times.

No I/O here, so the rules that make publishing idempotent can be read and tested on their own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "POST",
    "PROFILE",
    "AtUri",
    "blob_url",
    "parse_time",
    "post_url",
    "record_key",
]

POST = "app.bsky.feed.post"
PROFILE = "app.bsky.actor.profile"

# A TID is 13 characters of base32-sortable (https://atproto.com/specs/tid): a 64-bit integer
# whose top bit is 0, then 53 bits of microseconds since 1970, then a 10-bit "clock id".
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")
# The timestamp part of our keys falls in 2023, Bluesky's first year: in the past (nothing
# treats the post as written in the future) and wide enough (2^45 microseconds, plus the 10
# clock bits) that two keys of one account never meet in practice.
_SPAN_START_US = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z
_SPAN_US = 31_536_000_000_000  # 365 days
_AT_URI = re.compile(r"at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/([a-zA-Z0-9.-]+)/([A-Za-z0-9._:~-]+)")


def record_key(idempotency_key: str) -> str:
    """Return the post's record key for `idempotency_key`: the same key, the same record.

    Posts' record keys must be TIDs (the `key: "tid"` of app.bsky.feed.post; the PDS checks
    it). Ours is derived from the key alone, so `find` can ask for the record without any
    state of its own, and a second createRecord with it cannot make a second post.
    """
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    digest = hashlib.sha256(f"bedside/bluesky/{idempotency_key}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    micros = _SPAN_START_US + (number >> 10) % _SPAN_US
    value = (micros << 10) | (number & 0x3FF)
    return "".join(_B32[(value >> (5 * shift)) & 31] for shift in range(12, -1, -1))


def is_tid(text: str) -> bool:
    return _TID.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class AtUri:
    """at://<did>/<collection>/<rkey>: a record's address, the remote id of a Bluesky post."""

    did: str
    collection: str
    rkey: str

    @classmethod
    def parse(cls, text: str) -> AtUri:
        """Parse a record's AT URI; raise ValueError for anything else (handles included)."""
        match = _AT_URI.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not the address of a Bluesky record (at://did:…/…/…)")
        return cls(*match.groups())

    def __str__(self) -> str:
        return f"at://{self.did}/{self.collection}/{self.rkey}"


def post_url(did: str, rkey: str) -> str:
    """The post's address in the Bluesky app (a DID never changes; a handle may)."""
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def blob_url(service: str, did: str, cid: str) -> str:
    """A blob's public address on the account's own server (com.atproto.sync.getBlob)."""
    return f"{service.rstrip('/')}/xrpc/com.atproto.sync.getBlob?did={did}&cid={cid}"


def parse_time(text: str) -> datetime:
    """An atproto datetime (RFC 3339, 'Z' or an offset) as an aware UTC datetime."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:  # the lexicon requires an offset; be lenient with old records
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
