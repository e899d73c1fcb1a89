"""The outbox: a real SQLite file, real worker processes, real SIGKILLs."""

from __future__ import annotations

import hashlib
import random
import runpy
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import bedside.networks.outbox_store as outbox_store
from bedside.errors import BedsideError, UsageError
from bedside.networks import (
    AccountRef,
    CannotTell,
    Image,
    ImageError,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    TransientError,
)
from bedside.networks.outbox import OutboxNetwork, OutboxRecord, RecordedImage

WORKER = Path(__file__).with_name("outbox_worker.py")
_worker = runpy.run_path(str(WORKER))  # its helpers, without running main()
text_for = _worker["text_for"]
image_for = _worker["image_for"]

ACCOUNT = AccountRef(network="outbox", handle="dr.ng", credentials={"token": "s3cret-token"})
OTHER = AccountRef(network="outbox", handle="northside.clinic")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"  # not created yet: the outbox makes it


@pytest.fixture
def outbox(data_dir: Path) -> OutboxNetwork:
    return OutboxNetwork(NetworkContext(data_dir=data_dir))


def post(text: str = "Flu shots are in: walk in, 8 to 5.", **kw: Any) -> OutgoingPost:
    return OutgoingPost(text=text, **kw)


def with_options(**options: Any) -> AccountRef:
    return AccountRef(network="outbox", handle="dr.ng", options=options)


# Publish, find, delete


def test_publish_records_the_post_and_find_returns_it(outbox: OutboxNetwork) -> None:
    image = Image(source=PNG, mime="image/png", alt="Our flu clinic's opening hours")
    sent = post(link="https://example.org/flu", images=(image,), reply_to="outbox:7")
    before = time.time()
    published = outbox.publish(ACCOUNT, sent, idempotency_key="post-1:acct-1")

    assert published.remote_id == "outbox:1"
    assert published.url == "outbox://dr.ng/1"
    assert published.published_at.utcoffset() is not None
    assert before - 1 <= published.published_at.timestamp() <= time.time() + 1
    assert outbox.find(ACCOUNT, idempotency_key="post-1:acct-1") == published
    [record] = outbox.records()
    assert (record.handle, record.idempotency_key) == ("dr.ng", "post-1:acct-1")
    assert record.text == sent.text
    assert (record.link, record.reply_to, record.deleted_at) == (sent.link, "outbox:7", None)
    sha = hashlib.sha256(PNG).hexdigest()
    assert record.images == (RecordedImage("image/png", image.alt, len(PNG), sha),)
    assert record.published == published


def test_an_image_file_is_read_when_published(outbox: OutboxNetwork, tmp_path: Path) -> None:
    path = tmp_path / "hours.png"
    path.write_bytes(PNG)
    outbox.publish(ACCOUNT, post(images=(Image(path, "image/png", "Hours"),)), idempotency_key="k")
    [record] = outbox.records()
    assert record.images[0].sha256 == hashlib.sha256(PNG).hexdigest()


def test_find_answers_none_for_a_key_never_published(outbox: OutboxNetwork) -> None:
    assert outbox.find(ACCOUNT, idempotency_key="never") is None
    outbox.publish(ACCOUNT, post(), idempotency_key="once")
    assert outbox.find(ACCOUNT, idempotency_key="never") is None
    assert outbox.find(OTHER, idempotency_key="once") is None  # keys belong to one handle


def test_the_same_key_twice_returns_the_first_publication(outbox: OutboxNetwork) -> None:
    first = outbox.publish(ACCOUNT, post("First version."), idempotency_key="k")
    again = outbox.publish(ACCOUNT, post("Edited version."), idempotency_key="k")
    assert again == first
    [record] = outbox.records()
    assert record.text == "First version."  # the key wins, as with Mastodon's Idempotency-Key


def test_one_key_under_two_handles_is_two_posts(outbox: OutboxNetwork) -> None:
    mine = outbox.publish(ACCOUNT, post(), idempotency_key="k")
    theirs = outbox.publish(OTHER, post(), idempotency_key="k")
    assert (mine.remote_id, theirs.remote_id) == ("outbox:1", "outbox:2")
    assert theirs.url == "outbox://northside.clinic/2"
    assert [r.remote_id for r in outbox.records("northside.clinic")] == ["outbox:2"]
    assert [r.remote_id for r in outbox.records()] == ["outbox:1", "outbox:2"]


def test_delete_marks_the_post_and_keeps_its_key_used(outbox: OutboxNetwork) -> None:
    published = outbox.publish(ACCOUNT, post(), idempotency_key="k")
    outbox.publish(OTHER, post(), idempotency_key="k")
    outbox.delete(OTHER, published.remote_id)  # not theirs: nothing happens
    assert outbox.records("dr.ng")[0].deleted_at is None

    outbox.delete(ACCOUNT, published.remote_id)
    deleted_at = outbox.records("dr.ng")[0].deleted_at
    assert deleted_at is not None and deleted_at >= published.published_at
    outbox.delete(ACCOUNT, published.remote_id)  # already gone: no error, first date kept
    assert outbox.records("dr.ng")[0].deleted_at == deleted_at
    # The reconciler must not publish a deleted post again.
    assert outbox.find(ACCOUNT, idempotency_key="k") == published
    assert outbox.publish(ACCOUNT, post(), idempotency_key="k") == published
    assert len(outbox.records()) == 2


@pytest.mark.parametrize("remote_id", ["outbox:0", "outbox:x", "bluesky:3", "outbox:1 ", ""])
def test_delete_refuses_an_id_that_is_not_the_outboxs(
    outbox: OutboxNetwork, remote_id: str
) -> None:
    with pytest.raises(PermanentError, match="not an outbox post id"):
        outbox.delete(ACCOUNT, remote_id)


def test_an_empty_idempotency_key_is_refused(outbox: OutboxNetwork) -> None:
    with pytest.raises(ValueError, match="idempotency_key"):
        outbox.publish(ACCOUNT, post(), idempotency_key="")
    with pytest.raises(ValueError, match="idempotency_key"):
        outbox.find(ACCOUNT, idempotency_key="")


def test_records_outlive_the_instance_in_a_private_wal_file(data_dir: Path) -> None:
    OutboxNetwork(NetworkContext(data_dir)).publish(ACCOUNT, post(), idempotency_key="k")
    reopened = OutboxNetwork(NetworkContext(data_dir))
    assert [r.idempotency_key for r in reopened.records()] == ["k"]
    path = data_dir / "outbox.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_file_locked_past_the_busy_timeout_is_a_transient_error(
    outbox: OutboxNetwork, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox.publish(ACCOUNT, post(), idempotency_key="k1")
    monkeypatch.setattr(outbox_store, "BUSY_MS", 50)
    with closing(sqlite3.connect(data_dir / "outbox.sqlite3", isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another process in the middle of a publication
        with pytest.raises(TransientError, match="unavailable") as caught:
            outbox.publish(ACCOUNT, post(), idempotency_key="k2")
        assert caught.value.retry_after == 1.0
        other.execute("ROLLBACK")
    assert outbox.publish(ACCOUNT, post(), idempotency_key="k2").remote_id == "outbox:2"


# Limits and alt text


def test_the_longest_accepted_post_passes_and_one_more_character_is_rejected(
    outbox: OutboxNetwork,
) -> None:
    outbox.publish(ACCOUNT, post("é" * 5000), idempotency_key="max")
    with pytest.raises(PermanentError, match=r"content rejected: 5,001 characters.*5,000"):
        outbox.publish(ACCOUNT, post("é" * 5001), idempotency_key="over")
    assert [r.idempotency_key for r in outbox.records()] == ["max"]


def test_too_many_images_too_long_alt_text_and_empty_posts_are_rejected(
    outbox: OutboxNetwork,
) -> None:
    image = Image(source=PNG, mime="image/png", alt="Hours")
    long_alt = Image(source=PNG, mime="image/png", alt="a" * 1501)
    cases = {
        "5 images, more than the 4": post(images=(image,) * 5),
        "the alt text of image 2 has 1,501 characters": post(images=(image, long_alt)),
        "the post is empty": post(" \n"),
    }
    for reason, rejected in cases.items():
        with pytest.raises(PermanentError, match=f"content rejected: {reason}") as caught:
            outbox.publish(ACCOUNT, rejected, idempotency_key=reason)
        assert caught.value.reason.startswith("content rejected")
    outbox.publish(ACCOUNT, post(images=(image,) * 4), idempotency_key="four")
    outbox.publish(ACCOUNT, post("", images=(image,)), idempotency_key="image only")
    assert [r.idempotency_key for r in outbox.records()] == ["four", "image only"]


@pytest.mark.parametrize("alt", ["", "   \n"])
def test_an_image_needs_alt_text(alt: str) -> None:
    with pytest.raises(ValueError, match="needs alt text") as caught:
        Image(source=PNG, mime="image/png", alt=alt)
    assert isinstance(caught.value, BedsideError)


def test_an_image_must_be_an_image() -> None:
    with pytest.raises(ImageError, match="not an image type"):
        Image(source=b"%PDF", mime="application/pdf", alt="Our leaflet")


def test_an_unreadable_image_file_publishes_nothing(outbox: OutboxNetwork, tmp_path: Path) -> None:
    missing = Image(tmp_path / "gone.png", "image/png", "Hours")
    with pytest.raises(ImageError, match="Cannot read the image"):
        outbox.publish(ACCOUNT, post(images=(missing,)), idempotency_key="k")
    assert outbox.records() == []


# Simulation knobs


def test_reject_knob_is_a_permanent_error_with_its_reason(outbox: OutboxNetwork) -> None:
    account = with_options(reject="the access token was revoked")
    with pytest.raises(PermanentError) as caught:
        outbox.publish(account, post(), idempotency_key="k")
    assert caught.value.reason == "the access token was revoked"
    assert outbox.records() == []


def test_rate_limit_knob_is_transient_until_its_time(outbox: OutboxNetwork) -> None:
    limited = with_options(rate_limit_until=time.time() + 60, retry_after=30)
    with pytest.raises(TransientError, match="Rate limited") as caught:
        outbox.publish(limited, post(), idempotency_key="k")
    assert caught.value.retry_after == 30

    limited = with_options(rate_limit_until=time.time() + 60)
    with pytest.raises(TransientError) as caught:
        outbox.publish(limited, post(), idempotency_key="k")
    assert caught.value.retry_after is not None and 55 < caught.value.retry_after <= 60
    assert outbox.records() == []

    over = with_options(rate_limit_until=time.time() - 1, retry_after=30)
    assert outbox.publish(over, post(), idempotency_key="k").remote_id == "outbox:1"


def test_cannot_tell_knob_makes_find_unknowable(outbox: OutboxNetwork) -> None:
    account = with_options(cannot_tell=True)
    outbox.publish(account, post(), idempotency_key="k")
    with pytest.raises(CannotTell):
        outbox.find(account, idempotency_key="k")
    assert outbox.find(with_options(cannot_tell=False), idempotency_key="k") is not None


@pytest.mark.parametrize(
    "options",
    [
        {"rate_limit_until": "tomorrow"},
        {"rate_limit_until": True},
        {"rate_limit_until": time.time() + 10 * 365 * 86400, "retry_after": -5},
        {"reject": ""},
        {"reject": 403},
    ],
)
def test_malformed_knobs_are_usage_errors(outbox: OutboxNetwork, options: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match="outbox option"):
        outbox.publish(with_options(**options), post(), idempotency_key="k")
    assert outbox.records() == []


def test_a_malformed_cannot_tell_knob_is_a_usage_error(outbox: OutboxNetwork) -> None:
    with pytest.raises(UsageError, match="'cannot_tell' must be true or false"):
        outbox.find(with_options(cannot_tell="yes"), idempotency_key="k")


# What may reach a log


def test_reprs_show_no_secret_and_no_post_text(outbox: OutboxNetwork) -> None:
    secret_text = "Ruth Miller, 92, seen today"
    image = Image(source=PNG, mime="image/png", alt=f"photo of {secret_text}")
    sent = post(secret_text, images=(image,))
    outbox.publish(ACCOUNT, sent, idempotency_key="k")
    shown = " ".join(map(repr, [ACCOUNT, sent, image, outbox.records()]))
    assert "s3cret-token" not in shown and str(ACCOUNT) == repr(ACCOUNT)
    assert "Ruth" not in shown and "<27 chars>" in shown and "<1 hidden>" in shown
    assert ACCOUNT.credentials["token"] == "s3cret-token"
    with pytest.raises(TypeError):
        ACCOUNT.credentials["token"] = "changed"  # type: ignore[index]


# Several processes, and processes killed at random moments


def spawn(data_dir: Path, count: int, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, str(WORKER), str(data_dir), "dr.ng", str(count), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def confirmed(output: str) -> dict[str, str]:
    """The publications a worker printed: key -> remote id. Only whole lines count: a worker
    killed while printing leaves a cut last line (say `k48` alone), which confirms nothing."""
    whole = output.split("\n")[:-1]  # what follows the last newline was cut off
    return dict(line.split() for line in whole if line.strip() not in ("", "ready"))


def whole_records(data_dir: Path) -> list[OutboxRecord]:
    """Check the file and every record in it; return the records."""
    with closing(sqlite3.connect(data_dir / "outbox.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    records = OutboxNetwork(NetworkContext(data_dir)).records("dr.ng")
    for record in records:
        data = image_for(record.idempotency_key).read()
        assert record.text == text_for(record.idempotency_key)
        assert [(i.size, i.sha256) for i in record.images] == [
            (len(data), hashlib.sha256(data).hexdigest())
        ]
    return records


def start_together(
    data_dir: Path, go: Path, seeds: range, count: int
) -> list[subprocess.Popen[str]]:
    """Start one worker per seed and release them at once, once every one is ready."""
    workers = [spawn(data_dir, count, "--seed", str(s), "--go", str(go)) for s in seeds]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline() == "ready\n"
    go.touch()
    return workers


def test_processes_publishing_the_same_keys_at_once_make_one_record_per_key(
    data_dir: Path, tmp_path: Path
) -> None:
    workers = start_together(data_dir, tmp_path / "go", range(6), count=60)
    results = [worker.communicate(timeout=120) for worker in workers]
    for worker, (_, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err

    records = whole_records(data_dir)
    held = {r.idempotency_key: r.remote_id for r in records}
    assert len(records) == len(held) == 60
    for out, _ in results:
        assert confirmed(out) == held  # every process got the one publication of each key


def test_processes_killed_at_random_moments_never_duplicate_a_key(
    data_dir: Path, tmp_path: Path
) -> None:
    rng = random.Random(8128)
    workers = start_together(data_dir, tmp_path / "go", range(4), count=800)
    for victim in workers[:2]:
        time.sleep(rng.uniform(0, 0.15))
        victim.send_signal(signal.SIGKILL)
    results = [worker.communicate(timeout=120) for worker in workers]
    assert [w.returncode for w in workers] == [-signal.SIGKILL, -signal.SIGKILL, 0, 0], results

    held = {r.idempotency_key: r.remote_id for r in whole_records(data_dir)}
    assert len(held) == 800
    for out, _ in results:
        assert confirmed(out).items() <= held.items()


def test_a_process_killed_mid_loop_leaves_only_whole_records(data_dir: Path) -> None:
    rng = random.Random(20261127)
    seen: dict[str, str] = {}
    for _ in range(6):  # each round starts again from k0: replays, then new keys
        worker = spawn(data_dir, 100_000)
        assert worker.stdout is not None
        first = worker.stdout.readline()  # it is up and publishing
        time.sleep(rng.uniform(0, 0.2))
        worker.send_signal(signal.SIGKILL)
        out, err = worker.communicate(timeout=30)
        assert worker.returncode == -signal.SIGKILL, err

        printed = confirmed(first + out)
        assert all(seen.get(key, rid) == rid for key, rid in printed.items())
        seen.update(printed)
        records = whole_records(data_dir)
        keys = [r.idempotency_key for r in records]
        assert keys == [f"k{i}" for i in range(len(keys))]  # in order, no gap, no repeat
        assert seen.items() <= {r.idempotency_key: r.remote_id for r in records}.items()
    assert len(seen) > 1
