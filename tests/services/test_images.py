"""Images for posts: kept per workspace under random names, typed by their bytes, attached only
with alt text and only from the actor's own workspace; a version keeps them until revised."""

from __future__ import annotations

import pytest

from bedside.errors import UsageError
from bedside.services import images, publish, workspaces
from bedside.services.ledger import outgoing_post
from bedside.services.workspaces import NotFound, PermissionDenied

from .conftest import Practice

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the signature is what the type is read from
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
TEXT = "Flu shots are in. Walk-in clinic, no appointment needed."


def test_an_upload_is_kept_under_a_random_name_typed_by_its_bytes(practice: Practice) -> None:
    stored = images.save_image(practice.settings, practice.owner, PNG)
    assert stored.mime == "image/png" and stored.size == len(PNG)
    path = images.image_path(practice.settings, practice.owner, stored.name)
    assert path.read_bytes() == PNG and path.stat().st_mode & 0o777 == 0o600
    assert str(practice.owner.workspace_id) == path.parent.name
    assert images.save_image(practice.settings, practice.owner, JPEG).name.endswith(".jpg")
    for bad, why in ((b"", "choose an image"), (b"<svg onload=alert(1)>", "not a PNG"),
                     (b"\x89PNG\r\n\x1a\n" + b"0" * images.MAX_BYTES, "make it smaller")):
        with pytest.raises(UsageError, match=why):
            images.save_image(practice.settings, practice.owner, bad)


def test_a_reviewer_cannot_upload(practice: Practice) -> None:
    with pytest.raises(PermissionDenied):
        images.save_image(practice.settings, practice.reviewer, PNG)


def test_only_names_in_the_workspaces_own_folder_resolve(practice: Practice) -> None:
    stored = images.save_image(practice.settings, practice.owner, PNG)
    other = workspaces.init_workspace(practice.store, owner_email="lee@hillcrest.example",
                                      profile_toml='[practice]\nname = "Hillcrest"\n')
    for name in (stored.name, "../../etc/passwd", "x.png", stored.name.upper()):
        with pytest.raises(NotFound):
            images.image_path(practice.settings, other, name)
    with pytest.raises(NotFound):
        images.attach(practice.settings, other, [(stored.name, "a clinic door")])


def test_every_image_needs_alt_text(practice: Practice) -> None:
    stored = images.save_image(practice.settings, practice.owner, PNG)
    for alt in ("", "   "):
        with pytest.raises(UsageError, match="alt text"):
            images.attach(practice.settings, practice.owner, [(stored.name, alt)])
    with pytest.raises(UsageError, match="at most 1000"):
        images.attach(practice.settings, practice.owner, [(stored.name, "x" * 1001)])
    with pytest.raises(UsageError, match="alt text"):
        publish.compose(practice.store, practice.owner, TEXT,
                        images=[{"path": "/tmp/x.png", "alt": " ", "mime": "image/png"}])


def test_a_version_keeps_its_images_and_the_publisher_sends_them(practice: Practice) -> None:
    stored = images.save_image(practice.settings, practice.owner, PNG)
    items = images.attach(practice.settings, practice.owner,
                          [(stored.name, "The clinic's front door with a flu-shot sign")])
    post = publish.compose(practice.store, practice.owner, TEXT, to=["lakeside"], images=items)
    assert post.images == items
    assert post.to_dict()["images"] == [{"name": stored.name, "mime": "image/png",
                                         "alt": "The clinic's front door with a flu-shot sign"}]
    kept = publish.revise(practice.store, practice.owner, post.id, text=TEXT + " Thank you.")
    assert kept.version == 2 and kept.images == items
    dropped = publish.revise(practice.store, practice.owner, post.id, images=[])
    assert dropped.images == []
    sent = outgoing_post(None, TEXT, None, {"items": items})
    [image] = sent.images
    assert image.read() == PNG and image.mime == "image/png" and image.alt.startswith("The")
