"""`bedside import archive` end to end through bedside's entry point, on both backends: the
outbox's real export, the Mastodon and X sample exports, a damaged file, the progress bar."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from bedside.networks import NetworkContext
from bedside.networks.base import AccountRef, OutgoingPost
from bedside.networks.outbox import OutboxNetwork

from .conftest import Bedside

PHI = "Great to see Maria Gonzalez back at her follow-up this morning!"
FLU = "Flu shots are in: walk in Tuesday 9-12."
FIXTURES = Path(__file__).parent.parent / "fixtures" / "networks"


def outbox_export(bedside: Bedside, path: Path) -> Path:
    """Posts published on the outbox (outside bedside), then its own export."""
    box = OutboxNetwork(NetworkContext(data_dir=bedside.data_dir))
    ref = AccountRef(network="outbox", handle="lakeside")
    box.publish(ref, OutgoingPost(FLU), idempotency_key="k-1")
    box.publish(ref, OutgoingPost(PHI), idempotency_key="k-2")
    box.export_archive("lakeside", path)
    return path


def test_import_an_outbox_export_then_again(bedside: Bedside, tmp_path: Path) -> None:
    assert bedside("account", "add", "outbox", "lakeside")[0] == 0
    path = outbox_export(bedside, tmp_path / "export.json")

    code, out, err = bedside("import", "archive", str(path), "--account", "lakeside")
    assert code == 0, err
    assert "outbox:lakeside: 2 posts read from export.json; 2 imported, 0 already held" in out
    assert "1 imported posts would be blocked today" in out and "phi.name (1)" in out
    assert "Gonzalez" not in out + err

    report = bedside.json("import", "archive", str(path), "--account", "outbox:lakeside")
    assert (report["read"], report["imported"], report["already_held"]) == (2, 0, 2)
    queue = bedside.json("queue", "--all")
    assert sorted(row["publication"]["state"] for row in queue) == ["published", "published"]
    assert bedside.json("queue") == []  # history is not work waiting


def test_a_damaged_file_is_one_line_and_nothing_is_imported(bedside: Bedside,
                                                             tmp_path: Path) -> None:
    assert bedside("account", "add", "outbox", "lakeside")[0] == 0
    path = outbox_export(bedside, tmp_path / "export.json")
    path.write_text(path.read_text()[:-30])
    code, out, err = bedside("import", "archive", str(path), "--account", "lakeside")
    assert code == 64 and out == ""
    assert err.startswith("bedside: ") and "export.json is damaged at line" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert bedside.json("queue", "--all") == []
    code, _, err = bedside("import", "archive", str(path), "--account", "nobody")
    assert code == 66 and "no account 'nobody'" in err


def test_mastodon_and_x_sample_exports(bedside: Bedside, tmp_path: Path) -> None:
    assert bedside("account", "add", "mastodon", "lakeside@social.example")[0] == 0
    assert bedside("account", "add", "x", "LakesideFM")[0] == 0
    outbox = FIXTURES / "mastodon" / "archive" / "outbox.json"
    mastodon = bedside.json("import", "archive", str(outbox), "--account", "mastodon:"
                            "lakeside@social.example")
    created = [i for i in json.loads(outbox.read_text())["orderedItems"] if i["type"] == "Create"]
    assert mastodon["read"] == mastodon["imported"] == len(created)  # a boost is not a post

    x_zip = tmp_path / "twitter-2026-11-27.zip"
    with zipfile.ZipFile(x_zip, "w") as zf:
        for part in (FIXTURES / "x" / "archive" / "data").iterdir():
            zf.writestr(f"data/{part.name}", part.read_bytes())
    x = bedside.json("import", "archive", str(x_zip), "--account", "x:LakesideFM")
    assert x["imported"] > 0 and x["account"] == "x:LakesideFM"
    again = bedside.json("import", "archive", str(x_zip), "--account", "x:LakesideFM")
    assert (again["imported"], again["already_held"]) == (0, x["imported"])


def test_a_progress_bar_on_a_terminal_only(bedside: Bedside, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert bedside("account", "add", "outbox", "lakeside")[0] == 0
    path = outbox_export(bedside, tmp_path / "export.json")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    code, out, err = bedside("import", "archive", str(path), "--account", "lakeside")
    assert code == 0, err
    assert "Reading the export" in err and "Checking every post" in err and "Storing" in err
    code, out, err = bedside("import", "archive", str(path), "--account", "lakeside", "--json")
    assert code == 0 and err == "" and json.loads(out)["already_held"] == 2
