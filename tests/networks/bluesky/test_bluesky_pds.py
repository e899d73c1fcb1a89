"""The Bluesky connector against a real @atproto/pds on loopback (no AppView)."""

from __future__ import annotations

import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from atproto import CAR, Client, models

from bedside.errors import UsageError
from bedside.networks.base import (
    AccountRef,
    ArchiveError,
    CannotTell,
    Image,
    ImageError,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    TransientError,
)
from bedside.networks.bluesky import BlueskyNetwork
from bedside.networks.bluesky_records import AtUri, record_key


def png(width: int, height: int, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG image of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def record(client: Client, uri: str) -> Any:
    at = AtUri.parse(uri)
    return client.com.atproto.repo.get_record(models.ComAtprotoRepoGetRecord.Params(
        repo=at.did, collection=at.collection, rkey=at.rkey))


def test_connect_keeps_the_session_facts_and_refuses_a_main_password(
        network: BlueskyNetwork, bluesky_pds: Any, pds_accounts: Any) -> None:
    account, member = pds_accounts()
    assert account.credentials["did"] == member.did
    assert account.credentials["identifier"] == member.handle
    assert account.credentials["service"] == bluesky_pds.pds
    assert member.app_password not in repr(account)
    with pytest.raises(PermanentError, match="not a Bluesky app password"):
        network.connect(member.handle, {"app_password": member.password,
                                        "service": bluesky_pds.pds})
    with pytest.raises(PermanentError, match="refused the handle"):
        network.connect(member.handle, {"app_password": "abcd-efgh-ijkl-mnop",
                                        "service": bluesky_pds.pds})


def test_publish_sets_utf8_byte_facets_for_links_mentions_and_hashtags(
        network: BlueskyNetwork, bluesky_pds: Any, pds_accounts: Any, raw: Any) -> None:
    account, member = pds_accounts()
    _, colleague = pds_accounts("colleague")
    text = (f"Grippe 🤧 : vaccinez-vous ! Merci @{colleague.handle} #Santé "
            "https://example.org/vaccin?lang=fr")
    published = network.publish(account, OutgoingPost(text=text), idempotency_key="facets-1")
    assert published.remote_id.startswith(f"at://{member.did}/app.bsky.feed.post/")
    assert published.url == (f"https://bsky.app/profile/{member.did}/post/"
                             f"{AtUri.parse(published.remote_id).rkey}")
    value = record(raw(bluesky_pds, member), published.remote_id).value
    assert value.text == text
    encoded = text.encode()
    spans = {}
    for facet in value.facets:
        feature = facet.features[0]
        spans[feature.py_type] = (encoded[facet.index.byte_start: facet.index.byte_end].decode(),
                                  feature)
    link_text, link = spans["app.bsky.richtext.facet#link"]
    assert link_text == link.uri == "https://example.org/vaccin?lang=fr"
    mention_text, mention = spans["app.bsky.richtext.facet#mention"]
    assert (mention_text, mention.did) == (f"@{colleague.handle}", colleague.did)
    tag_text, tag = spans["app.bsky.richtext.facet#tag"]
    assert (tag_text, tag.tag) == ("#Santé", "Santé")


def test_a_link_outside_the_text_is_appended_and_linked(
        network: BlueskyNetwork, bluesky_pds: Any, pds_accounts: Any, raw: Any) -> None:
    account, member = pds_accounts()
    post = OutgoingPost(text="Nos horaires d'été", link="https://example.org/horaires")
    value = record(raw(bluesky_pds, member), network.publish(
        account, post, idempotency_key="link-1").remote_id).value
    assert value.text == "Nos horaires d'été\n\nhttps://example.org/horaires"
    assert [f.features[0].uri for f in value.facets] == ["https://example.org/horaires"]


def test_publish_is_idempotent_on_the_record_key(
        network: BlueskyNetwork, bluesky_pds: Any, pds_accounts: Any, raw: Any) -> None:
    account, member = pds_accounts()
    assert network.find(account, idempotency_key="flu-1") is None
    first = network.publish(account, OutgoingPost(text="Flu clinic Monday"),
                            idempotency_key="flu-1")
    again = network.publish(account, OutgoingPost(text="Flu clinic Monday"),
                            idempotency_key="flu-1")
    other = network.publish(account, OutgoingPost(text="Flu clinic Tuesday"),
                            idempotency_key="flu-2")
    assert again == first
    assert other.remote_id != first.remote_id
    assert AtUri.parse(first.remote_id).rkey == record_key("flu-1")
    assert network.find(account, idempotency_key="flu-1") == first
    listed = raw(bluesky_pds, member).com.atproto.repo.list_records(
        models.ComAtprotoRepoListRecords.Params(repo=member.did, collection="app.bsky.feed.post"))
    assert sorted(r.uri for r in listed.records) == sorted([first.remote_id, other.remote_id])


class LoseCreateAnswers(httpx.BaseTransport):
    """Deliver every request, but lose the answer to the first createRecord (a cut line)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/com.atproto.repo.createRecord") and not self.lost:
            response.read()
            self.lost += 1
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_a_retry_after_a_lost_answer_returns_the_first_post(
        tmp_path: Path, bluesky_pds: Any, pds_accounts: Any, raw: Any) -> None:
    _, member = pds_accounts()
    transport = LoseCreateAnswers()
    with httpx.Client(transport=transport, timeout=30.0) as http:
        network = BlueskyNetwork(NetworkContext(data_dir=tmp_path, http=http))
        account = AccountRef("bluesky", member.handle, network.connect(
            member.handle, {"app_password": member.app_password, "service": bluesky_pds.pds}))
        published = network.publish(account, OutgoingPost(text="Lost answer"),
                                     idempotency_key="lost-1")
    assert transport.lost == 1
    listed = raw(bluesky_pds, member).com.atproto.repo.list_records(
        models.ComAtprotoRepoListRecords.Params(repo=member.did, collection="app.bsky.feed.post"))
    assert [r.uri for r in listed.records] == [published.remote_id]


def test_replies_carry_the_thread_root_and_parent(
        network: BlueskyNetwork, bluesky_pds: Any, pds_accounts: Any, raw: Any) -> None:
    account, member = pds_accounts()
    first = network.publish(account, OutgoingPost(text="1/3 Sleep and health"),
                            idempotency_key="t-1")
    second = network.publish(account, OutgoingPost(text="2/3", reply_to=first.remote_id),
                             idempotency_key="t-2")
    third = network.publish(account, OutgoingPost(text="3/3", reply_to=second.remote_id),
                            idempotency_key="t-3")
    client = raw(bluesky_pds, member)
    reply = record(client, third.remote_id).value.reply
    assert (reply.root.uri, reply.parent.uri) == (first.remote_id, second.remote_id)
    assert reply.root.cid == record(client, first.remote_id).cid
    with pytest.raises(PermanentError, match="not the address of a Bluesky record"):
        network.publish(account, OutgoingPost(text="x", reply_to="https://bsky.app/x"),
                        idempotency_key="t-4")


def test_delete_removes_the_post_and_tolerates_a_second_delete(
        network: BlueskyNetwork, pds_accounts: Any) -> None:
    account, _ = pds_accounts()
    published = network.publish(account, OutgoingPost(text="Typo"), idempotency_key="del-1")
    network.delete(account, published.remote_id)
    assert network.find(account, idempotency_key="del-1") is None
    network.delete(account, published.remote_id)
    other, _ = pds_accounts()
    theirs = network.publish(other, OutgoingPost(text="Mine"), idempotency_key="del-2")
    with pytest.raises(PermanentError, match="another account"):
        network.delete(account, theirs.remote_id)


def test_images_go_up_with_their_alt_text(
        network: BlueskyNetwork, bluesky_pds: Any, pds_accounts: Any, raw: Any,
        http: httpx.Client) -> None:
    account, member = pds_accounts()
    images = (Image(png(40, 20), "image/png", "Vaccination schedule, one row a month"),
              Image(png(10, 10, (0, 90, 200)), "image/png", "Clinic logo, blue square"))
    published = network.publish(account, OutgoingPost(text="Schedule", images=images),
                                idempotency_key="img-1")
    embed = record(raw(bluesky_pds, member), published.remote_id).value.embed
    assert [i.alt for i in embed.images] == [image.alt for image in images]
    for sent, image in zip(images, embed.images, strict=True):
        blob = http.get(f"{bluesky_pds.pds}/xrpc/com.atproto.sync.getBlob",
                         params={"did": member.did, "cid": str(image.image.cid)})
        assert blob.content == sent.source
    with pytest.raises(ImageError, match="at most 4 images"):
        network.publish(account, OutgoingPost(text="x", images=images * 3),
                        idempotency_key="img-2")
    big = Image(b"\x89PNG" + bytes(1_000_001), "image/png", "too big")
    with pytest.raises(ImageError, match="too large"):
        network.publish(account, OutgoingPost(text="x", images=(big,)), idempotency_key="img-3")
    assert network.find(account, idempotency_key="img-3") is None


def test_profile_update_and_read_back(
        network: BlueskyNetwork, pds_accounts: Any, http: httpx.Client) -> None:
    account, member = pds_accounts()
    assert network.get_profile(account).bio == ""
    avatar = png(64, 64, (20, 140, 60))
    network.update_profile(account, display_name="Dr Ana Ruiz", bio="Family doctor 🩺")
    updated = network.update_profile(account, avatar=Image(avatar, "image/png", "Portrait"))
    assert (updated.display_name, updated.bio) == ("Dr Ana Ruiz", "Family doctor 🩺")
    read = network.get_profile(account)
    assert read == updated
    assert read.handle == member.handle and read.avatar_url is not None
    assert http.get(read.avatar_url).content == avatar
    with pytest.raises(UsageError, match="at most 256"):
        network.update_profile(account, bio="é" * 257)
    with pytest.raises(ImageError, match="PNG or JPEG"):
        network.update_profile(account, avatar=Image(b"GIF89a", "image/gif", "animated"))
    assert network.get_profile(account) == read


def test_errors_map_to_transient_and_permanent(
        tmp_path: Path, http: httpx.Client, network: BlueskyNetwork, bluesky_pds: Any,
        pds_accounts: Any) -> None:
    account, member = pds_accounts()
    # createSession allows 30 attempts an identifier in 5 minutes (two are spent making and
    # connecting the account): spend the rest, then connect.
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda _: http.post(
            f"{bluesky_pds.pds}/xrpc/com.atproto.server.createSession",
            json={"identifier": member.handle, "password": "wxyz-wxyz-wxyz-wxyz"}).status_code,
            range(30)))
    assert statuses.count(401) == 28 and statuses.count(429) == 2
    with pytest.raises(TransientError, match="rate limit") as limited:
        network.connect(member.handle, {"app_password": member.app_password,
                                        "service": bluesky_pds.pds})
    assert limited.value.retry_after is not None and 0 < limited.value.retry_after <= 300
    # The account connected before the storm keeps its session.
    assert network.publish(account, OutgoingPost(text="Still here"), idempotency_key="e-1")

    revoked = AccountRef("bluesky", member.handle, {**account.credentials,
                                                     "app_password": "abcd-abcd-abcd-abcd"})
    fresh = BlueskyNetwork(NetworkContext(data_dir=tmp_path, http=http))
    with pytest.raises(CannotTell):
        fresh.find(revoked, idempotency_key="e-1")
    with pytest.raises(PermanentError, match="at most 300 characters; this one has 301"):
        network.publish(account, OutgoingPost(text="🩺" * 301), idempotency_key="e-2")
    gone = AccountRef("bluesky", member.handle, {**account.credentials,
                                                  "service": "http://127.0.0.1:9"})
    with pytest.raises(TransientError, match="could not log in|cannot be reached|log in"):
        fresh.publish(gone, OutgoingPost(text="x"), idempotency_key="e-3")


def test_a_session_the_server_no_longer_accepts_is_replaced_by_a_new_login(
        network: BlueskyNetwork, pds_accounts: Any) -> None:
    account, _ = pds_accounts()
    # What the server sees after its signing key changes: a token whose signature fails.
    (client,) = network._sessions.values()
    header, payload, signature = client._session.access_jwt.split(".")
    client._session.access_jwt = f"{header}.{payload}.{signature[:-6]}AAAAAA"
    published = network.publish(account, OutgoingPost(text="After"), idempotency_key="s-1")
    assert network.find(account, idempotency_key="s-1") == published
    (again,) = network._sessions.values()
    assert again is not client


def test_read_archive_of_a_real_repository_export(
        network: BlueskyNetwork, bluesky_pds: Any, pds_accounts: Any, tmp_path: Path,
        raw: Any) -> None:
    account, member = pds_accounts()
    first = network.publish(account, OutgoingPost(text="Premier message 👋"),
                            idempotency_key="a-1")
    reply = network.publish(account, OutgoingPost(text="Suite", reply_to=first.remote_id),
                            idempotency_key="a-2")
    network.update_profile(account, bio="not a post")
    client = raw(bluesky_pds, member)
    export = tmp_path / "repo.car"
    export.write_bytes(client.com.atproto.sync.get_repo(
        models.ComAtprotoSyncGetRepo.Params(did=member.did)))
    assert CAR.from_bytes(export.read_bytes()).root  # the SDK reads it too

    posts = list(network.read_archive(export))
    assert [(p.remote_id, p.text, p.reply_to) for p in posts] == [
        (first.remote_id, "Premier message 👋", None),
        (reply.remote_id, "Suite", first.remote_id),
    ]
    assert posts[0].created_at == first.published_at
    assert posts[1].url == reply.url and {p.network for p in posts} == {"bluesky"}

    damaged = tmp_path / "damaged.car"
    data = export.read_bytes()
    damaged.write_bytes(data[: len(data) - 40])
    with pytest.raises(ArchiveError, match=r"damaged\.car: .*block \d+ at byte \d+"):
        list(network.read_archive(damaged))
    wrong = tmp_path / "outbox.json"
    wrong.write_text('{"orderedItems": []}')
    with pytest.raises(ArchiveError, match="outbox.json: .*header at byte 0"):
        list(network.read_archive(wrong))
    with pytest.raises(ArchiveError, match="cannot be read"):
        list(network.read_archive(tmp_path / "missing.car"))
