"""The store-backed commands, end to end through `bedside`'s own entry point, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from .conftest import Bedside

PHI = "Great to see Maria Gonzalez back at her follow-up this morning!"


def test_before_init_the_error_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BEDSIDE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BEDSIDE_DATABASE_URL", raising=False)
    code, out, err = Bedside(capsys, tmp_path)("queue")
    assert code == 66 and "bedside init" in err and "Traceback" not in err + out


def test_accounts_posts_review_and_queue(bedside: Bedside) -> None:
    assert bedside("account", "add", "outbox", "lakeside")[0] == 0
    code, _, err = bedside("account", "add", "tiktok", "someone")
    assert code == 64 and "not a network bedside knows" in err
    assert bedside("member", "add", "kim@lakeside.example", "--role", "reviewer")[0] == 0
    [acct] = bedside.json("account", "list")
    assert acct["handle"] == "lakeside" and acct["status"] == "active"

    code, out, err = bedside("post", PHI, "--to", "lakeside", "--at", "2030-01-07 09:00")
    assert code == 64 and "blocking findings" in err
    assert "phi.name" in out and "Maria Gonzalez" in out
    code, _, err = bedside("approve", "1", "--override", "phi.name", "--reason", "consent")
    assert code == 77 and "may not review" in err
    view = bedside.json("--as", "kim@lakeside.example", "approve", "1", "--override", "phi.name",
                        "--override", "phi.date", "--reason", "written authorization on file")
    assert view["unresolved"] == []

    safe = bedside.json("post", "Flu shots are in: walk in Tuesday 9-12.", "--to", "lakeside",
                        "--at", "2030-01-08 09:00")
    assert safe["stage"] == "scheduled"
    assert safe["scheduled_at"] == "2030-01-08T15:00:00+00:00"
    queue = bedside.json("queue")
    assert [(row["post"], row["publication"]["state"]) for row in queue
            if "publication" in row] == [(2, "scheduled")]
    audit = bedside.json("audit", "--action", "post.override")
    assert len(audit) == 2 and all("authorization" in e["reason"] for e in audit)


def test_bad_times_are_clear(bedside: Bedside) -> None:
    bedside("account", "add", "outbox", "lakeside")
    for when, message in (("next tuesday", "not a date and time"),
                          ("2031-03-09 02:30", "does not exist in America/Chicago"),
                          ("2001-01-01 09:00", "has passed")):
        code, _, err = bedside("post", "Hello", "--to", "lakeside", "--at", when)
        assert code == 64 and message in err, err


def test_strategy_set_show_and_reject(bedside: Bedside, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('timezone = "Mars/Olympus"\nnetworks = ["tiktok"]\n')
    code, _, err = bedside("strategy", "set", str(bad))
    assert code == 64 and "tiktok" in err and "Traceback" not in err
    example = Path(__file__).parents[2] / "examples" / "strategy.toml"
    assert bedside("strategy", "set", str(example))[0] == 0
    shown = bedside.json("strategy", "show")
    assert shown["max_promotional_share"] <= 0.2


CSV = (
    "01/06/2030 09:00,Flu shots are in: walk in Tuesday 9-12.,https://lakesidefm.example/flu\r\n"
    '01/07/2030 12:30,"Great to see Maria Gonzalez at her follow-up this morning!",\r\n'
    "01/08/2030 09:00,Five signs of dehydration in toddlers.\r\n"
)


def test_import_export_csv_and_calendar(bedside: Bedside, tmp_path: Path) -> None:
    bedside("account", "add", "outbox", "lakeside")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV + "13/45/2030 09:00,Bad date\r\n")
    code, _, err = bedside("import", "csv", str(bad), "--to", "lakeside")
    assert code == 64 and "line 4" in err
    assert bedside.json("queue", "--all") == []  # nothing was imported

    good = tmp_path / "plan.csv"
    good.write_text(CSV)
    report = bedside.json("import", "csv", str(good), "--to", "lakeside")
    assert [p["text"][:4] for p in report["scheduled"]] == ["Flu ", "Five"]
    [held] = report["blocked"]
    assert held["line"] == 2 and "phi.name" in held["unresolved"]

    code, out, _ = bedside("export", "csv")
    assert code == 0
    assert out.splitlines() == [
        "01/06/2030 09:00,Flu shots are in: walk in Tuesday 9-12.,https://lakesidefm.example/flu",
        "01/08/2030 09:00,Five signs of dehydration in toddlers.,",
    ]
    feed = tmp_path / "calendar.ics"
    assert bedside("calendar", "--ics", "-o", str(feed))[0] == 0
    events = Calendar.from_ical(feed.read_bytes()).walk("VEVENT")
    assert len(events) == 2
    starts = sorted(e.decoded("DTSTART").isoformat() for e in events)
    assert starts[0].startswith("2030-01-06T09:00:00")
    assert all("Maria" not in e.to_ical().decode() for e in events)
