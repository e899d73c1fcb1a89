"""Bluesky records and bedside's values: a post's length and the checks the server would make,
its images embed and reply reference, the profile record, and notifications, followers and
profiles read back as bedside's Interaction, Follower and Profile.

Functions of an `atproto` Client and its models; the connector (networks.bluesky) owns the
sessions and the error mapping around them.
"""

from __future__ import annotations

from collections.abc import Sequence

from atproto import Client, models
from atproto_client import exceptions as sdk

from bedside.networks.base import (
    Follower,
    Image,
    ImageError,
    Interaction,
    InteractionKind,
    Limits,
    OutgoingPost,
    PermanentError,
    Profile,
    link_after_blank_line,
)
from bedside.networks.bluesky_records import PROFILE, AtUri, blob_url, parse_time, post_url
from bedside.networks.bluesky_sdk import error_code
from bedside.networks.limits import measure

__all__ = [
    "AVATAR_TYPES",
    "MAX_IMAGE_BYTES",
    "check_images",
    "check_length",
    "follower",
    "images_embed",
    "interaction",
    "profile",
    "profile_record",
    "reply_ref",
]

MAX_IMAGE_BYTES = 1_000_000  # app.bsky.embed.images and the profile avatar: maxSize 1,000,000
AVATAR_TYPES = ("image/png", "image/jpeg")  # app.bsky.actor.profile avatar: accept


def check_length(post: OutgoingPost, limits: Limits) -> None:
    """Refuse what the server would (app.bsky.feed.post: 300 graphemes, 3,000 bytes)."""
    text = link_after_blank_line(post)
    length, most = measure(text, "bluesky"), limits.max_length
    if length > most:
        raise PermanentError(f"A Bluesky post holds at most {most} characters; this one has "
                             f"{length}.")
    size, most_bytes = len(text.encode()), limits.max_bytes
    if most_bytes is not None and size > most_bytes:
        raise PermanentError(f"A Bluesky post holds at most {most_bytes:,} bytes; this one "
                             f"has {size:,}.")


def check_images(images: Sequence[tuple[Image, bytes]], limits: Limits) -> None:
    """Refuse more images than a post takes, or one larger than the server accepts."""
    if limits.max_images is not None and len(images) > limits.max_images:
        raise ImageError(f"Bluesky takes at most {limits.max_images} images a post; "
                         f"this one has {len(images)}.")
    for image, data in images:
        if len(data) > MAX_IMAGE_BYTES:
            raise ImageError(f"An image of {len(data):,} bytes is too large for Bluesky "
                             f"(at most {MAX_IMAGE_BYTES:,}): {image!r}.")


def images_embed(client: Client, images: Sequence[tuple[Image, bytes]]
                 ) -> models.AppBskyEmbedImages.Main:
    """Upload each image and embed them with their alt text."""
    uploaded = []
    for image, data in images:
        blob = client.com.atproto.repo.upload_blob(data, headers={"Content-Type": image.mime})
        uploaded.append(models.AppBskyEmbedImages.Image(alt=image.alt, image=blob.blob))
    return models.AppBskyEmbedImages.Main(images=uploaded)


def reply_ref(client: Client, parent_uri: str) -> models.AppBskyFeedPost.ReplyRef:
    """Root and parent of a reply: the parent's own root when it is itself a reply."""
    try:
        uri = AtUri.parse(parent_uri)
    except ValueError as exc:
        raise PermanentError(f"Cannot reply on Bluesky: {exc}.") from None
    try:
        found = client.com.atproto.repo.get_record(models.ComAtprotoRepoGetRecord.Params(
            repo=uri.did, collection=uri.collection, rkey=uri.rkey))
        cid, value = found.cid, found.value
    except sdk.BadRequestError:
        # Not on this server (another person's post): the AppView has every post.
        views = client.app.bsky.feed.get_posts(
            models.AppBskyFeedGetPosts.Params(uris=[parent_uri])).posts
        if not views:
            raise PermanentError("Cannot reply on Bluesky: the post replied to is gone."
                                 ) from None
        cid, value = views[0].cid, views[0].record
    if cid is None:
        raise PermanentError("Cannot reply on Bluesky: the post replied to has no version.")
    parent = models.ComAtprotoRepoStrongRef.Main(uri=parent_uri, cid=cid)
    reply = getattr(value, "reply", None)
    root = reply.root if reply is not None else parent
    return models.AppBskyFeedPost.ReplyRef(root=root, parent=parent)


def profile(client: Client, did: str, record: models.AppBskyActorProfile.Record | None
            ) -> Profile:
    """The profile record as bedside's Profile (the avatar at its public blob address)."""
    session = client._session
    handle = session.handle if session is not None else did
    if record is None:
        return Profile(handle=handle)
    avatar = None
    if record.avatar is not None:
        service = client._base_url.removesuffix("/xrpc")
        avatar = blob_url(service, did, str(record.avatar.cid))
    return Profile(handle=handle, display_name=record.display_name or "",
                   bio=record.description or "", avatar_url=avatar,
                   website=record.website)


def profile_record(client: Client, did: str
                   ) -> tuple[models.AppBskyActorProfile.Record | None, str | None]:
    """The account's profile record and its version (CID), or (None, None) when it has none."""
    try:
        found = client.com.atproto.repo.get_record(models.ComAtprotoRepoGetRecord.Params(
            repo=did, collection=PROFILE, rkey="self"))
    except sdk.BadRequestError as exc:
        if error_code(exc) == "RecordNotFound":
            return None, None
        raise
    value = found.value
    if not isinstance(value, models.AppBskyActorProfile.Record):
        value = models.AppBskyActorProfile.Record.model_validate(value)
    return value, found.cid


def interaction(note: models.AppBskyNotificationListNotifications.Notification,
                kind: InteractionKind) -> Interaction:
    """A reply, mention or quote notification as bedside's Interaction."""
    record = note.record
    text = getattr(record, "text", "") or ""
    created = getattr(record, "created_at", None)
    reply = getattr(record, "reply", None)
    rkey = AtUri.parse(note.uri).rkey
    return Interaction(
        remote_id=note.uri, kind=kind, author_handle=note.author.handle,
        author_name=note.author.display_name or "", text=text,
        created_at=parse_time(created) if created else parse_time(note.indexed_at),
        url=post_url(note.author.did, rkey),
        in_reply_to=reply.parent.uri if reply is not None else None,
    )


def follower(view: models.AppBskyActorDefs.ProfileViewDetailed) -> Follower:
    """A follower's profile view with its counts, as bedside's Follower."""
    return Follower(
        handle=view.handle, display_name=view.display_name or "", bio=view.description or "",
        has_avatar=view.avatar is not None,
        created_at=parse_time(view.created_at) if view.created_at else None,
        posts=view.posts_count, followers=view.followers_count, following=view.follows_count,
    )
