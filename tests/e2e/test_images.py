"""Images in the composer, in a real browser: an uploaded PNG shows as a thumbnail with its alt
text field filled, is kept with the draft and its alt text across a reload; an image whose alt
text was cleared is refused (by the browser's `required`, and by the server when the browser's
check is bypassed) and nothing saved is lost.

The site holds one practice, so whether another practice's owner can fetch the image is not
checked here (services.images resolves names inside the actor's own workspace folder)."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Locator, Page, expect

from bedside.services import publish, workspaces
from bedside.store import open_store

TEXT = "Flu shots are in: walk in Tuesday and Thursday mornings, no appointment needed."
ALT = "A nurse giving a flu shot in the upper arm of a smiling adult."


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour: signature, IHDR, one zlib IDAT (filter byte 0 per row), IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def shown_size(thumb: Locator) -> list[int]:
    """The decoded size of an <img> once loaded (0 x 0 if the browser could not show it)."""
    size: list[int] = thumb.evaluate(
        "img => img.decode().then(() => [img.naturalWidth, img.naturalHeight], () => [0, 0])")
    return size


def saved_images(site: Any, post_id: int) -> list[tuple[str, str]]:
    """(file name, alt text) of the post's current version, as the services see it."""
    store = open_store(site.server.settings)
    try:
        post = publish.get_post(store, workspaces.actor_for(store, site.editor), post_id)
        return [(i["path"].rsplit("/", 1)[-1], i["alt"]) for i in post.images]
    finally:
        store.dispose()


def test_image_with_alt_text_is_kept_and_alt_text_is_required(
        page: Page, site: Any, sign_in: Callable[..., None]) -> None:
    base = site.base_url
    sign_in(page, base, site.editor)
    page.goto(base + "/compose")
    page.get_by_role("checkbox", name=re.compile(re.escape(f"outbox:{site.account}"))).check()
    page.get_by_label("Post text").fill(TEXT)

    page.locator("#image-file").set_input_files(
        {"name": "flu-shot.png", "mimeType": "image/png", "buffer": png(24, 16, (200, 30, 30))})
    page.locator("#image-alt").fill(ALT)
    page.get_by_role("button", name="Add image").click()

    item = page.locator("#image-list li.image-item")
    expect(item).to_have_count(1)
    thumb = item.locator("img.thumb")
    expect(thumb).to_have_attribute("src", re.compile(r"^/compose/images/[0-9a-f]{32}\.png$"))
    assert shown_size(thumb) == [24, 16]
    alt_field = item.get_by_label(re.compile("^Alt text"))
    expect(alt_field).to_have_value(ALT)
    # The upload form is emptied for the next image.
    expect(page.locator("#image-alt")).to_have_value("")
    name = (thumb.get_attribute("src") or "").rsplit("/", 1)[-1]

    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/compose/\d+\?done=draft$"))
    post_id = int(re.search(r"/compose/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    assert saved_images(site, post_id) == [(name, ALT)]

    page.goto(f"{base}/compose/{post_id}")
    item = page.locator("#image-list li.image-item")
    expect(item).to_have_count(1)
    expect(item.locator("img.thumb")).to_have_attribute("src", f"/compose/images/{name}")
    assert shown_size(item.locator("img.thumb")) == [24, 16]
    expect(item.get_by_label(re.compile("^Alt text"))).to_have_value(ALT)
    expect(page.get_by_label("Post text")).to_have_value(TEXT)

    # Alt text cleared: the browser will not send the form.
    alt_field = item.get_by_label(re.compile("^Alt text"))
    alt_field.fill("")
    page.get_by_role("button", name="Save draft").click()
    assert alt_field.evaluate("el => el.validity.valueMissing") is True
    expect(page).to_have_url(f"{base}/compose/{post_id}")
    expect(page.locator("h1 .badge")).to_be_visible()
    assert saved_images(site, post_id) == [(name, ALT)]

    # With the browser's check bypassed, the server refuses it too (422, the reason shown).
    page.evaluate("document.getElementById('compose-form').noValidate = true")
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url == f"{base}/compose/{post_id}") as answer:
        page.get_by_role("button", name="Save draft").click()
    assert answer.value.status == 422
    expect(page.locator("#compose-error")).to_contain_text("every image needs alt text")
    assert saved_images(site, post_id) == [(name, ALT)]

    # Nothing was lost: the saved draft still has its image and alt text.
    page.goto(f"{base}/compose/{post_id}")
    item = page.locator("#image-list li.image-item")
    expect(item).to_have_count(1)
    expect(item.get_by_label(re.compile("^Alt text"))).to_have_value(ALT)
    expect(page.locator("h1")).to_contain_text("version 1")
