"""`bedside check`: both output forms and the exit-code contract, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROFILE = """
[practice]
name = "Lakeside Family Medicine"
phones = ["(555) 010-2000"]
emails = ["hello@lakesidefm.example"]
websites = ["https://lakesidefm.example"]
staff = ["Dr. Anita Patel", "Kim Ortiz, RN"]
"""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bedside", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def profile(tmp_path: Path) -> str:
    path = tmp_path / "practice.toml"
    path.write_text(PROFILE)
    return str(path)


def test_clean_text_exits_zero(profile: str) -> None:
    out = run("check", "--practice", profile, "Wash your hands for 20 seconds.")
    assert out.returncode == 0, out.stderr
    assert "verdict: ok" in out.stdout


def test_block_exits_two_and_shows_finding(profile: str) -> None:
    out = run("check", "--practice", profile, "--json",
              "SSN 412-38-9920 is on the form for my patient.")
    assert out.returncode == 2, out.stderr
    report = json.loads(out.stdout)
    assert report["verdict"] == "block"
    ssn = [f for f in report["findings"] if f.get("phi_type") == "SSN"]
    assert ssn and ssn[0]["excerpt"] == "412-38-9920"
    assert {"rule", "category", "severity", "start", "end", "excerpt", "message",
            "suggestion"} <= set(ssn[0])


def test_warn_exits_one() -> None:
    out = run("check", "--json", "--account", "practice", "Dr. Smith is the best doctor in town.")
    assert out.returncode == 1, out.stdout
    assert json.loads(out.stdout)["verdict"] == "warn"


def test_reads_stdin_with_dash(profile: str) -> None:
    out = run("check", "--practice", profile, "-", stdin="Stay hydrated this summer.")
    assert out.returncode == 0, out.stderr


def test_jsonl_keeps_order_and_reports_bad_lines(profile: str) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Drink water.", "kind": "post", "account": "practice",
                    "platform": "x", "labels": {"phi": []}}),
        "{not json",
        json.dumps({"id": "b", "text": "Mr. Novak, as Dr. Patel explained during your visit, "
                    "we can't refill that.", "kind": "reply"}),
        json.dumps({"id": "c"}),
        json.dumps({"id": "d", "text": "hi", "platform": "myspace"}),
    ]
    out = run("check", "--jsonl", "--practice", profile, stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r.get("id") for r in rows] == ["a", None, "b", "c", "d"]
    assert rows[0]["verdict"] == "ok" and rows[0]["labels"] == {"promotional": False,
                                                                 "personal": False}
    assert "error" in rows[1] and "error" in rows[3] and "error" in rows[4]
    assert rows[2]["verdict"] == "block"
    phi_types = {f.get("phi_type") for f in rows[2]["findings"]}
    assert "PATIENT_RELATIONSHIP" in phi_types


def test_jsonl_lone_surrogates_are_read_and_written_back_escaped(profile: str) -> None:
    """JSON may carry a lone surrogate, which UTF-8 cannot: such a line is still judged and
    written with JSON's escape, the others as they are, and the run goes on."""
    lines = [json.dumps({"id": "a", "text": "Flu shots today \ud800 " * 200,
                         "platform": "bluesky"}),
             json.dumps({"id": "\ud800", "text": "hi"}),
             json.dumps({"id": "c", "text": "Café hours: 9–5."})]
    out = run("check", "--jsonl", "--practice", profile, stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    rows = out.stdout.splitlines()
    assert [json.loads(r)["id"] for r in rows] == ["a", "\ud800", "c"]
    assert [f["rule"] for f in json.loads(rows[0])["findings"]] == ["platform.too_long"]
    assert rows[1].startswith('{"id": "\\ud800"')  # JSON's escape, six ASCII characters
    assert json.loads(rows[2])["verdict"] == "ok"


def test_long_jsonl_run_reads_each_line_as_a_short_run_does(profile: str) -> None:
    """A run of 500+ lines warms the guard up and freezes its tables first: same answers."""
    lines = [
        json.dumps({"id": "a", "text": "Mr. Novak, during your visit on 3/4 we saw you.",
                    "kind": "reply", "platform": "x"}),
        json.dumps({"id": "b", "text": "Guaranteed painless results! Book now #SmileDay"}),
        "{not json",
    ]
    short = run("check", "--jsonl", "--practice", profile, stdin="\n".join(lines) + "\n")
    long = run("check", "--jsonl", "--practice", profile, stdin="\n".join(lines * 200) + "\n")
    assert short.returncode == long.returncode == 0, long.stderr
    assert long.stdout.splitlines() == short.stdout.splitlines() * 200
    assert json.loads(short.stdout.splitlines()[0])["verdict"] == "block"


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--network", "myspace", "hi"),
        ("check", "--kind", "story", "hi"),
        ("check", "--bogus"),
        ("check", "--jsonl", "some text"),
    ],
)
def test_usage_errors_are_one_line_and_not_a_verdict_code(args: tuple[str, ...]) -> None:
    out = run(*args)
    assert out.returncode == 64
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_unreadable_profile(tmp_path: Path) -> None:
    out = run("check", "--practice", str(tmp_path / "absent.toml"), "hi")
    assert out.returncode == 66
    assert out.stderr.startswith("bedside: cannot read practice profile")
    assert "Traceback" not in out.stderr


def test_invalid_profile(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[practice\n")
    out = run("check", "--practice", str(path), "hi")
    assert out.returncode == 66
    assert "not valid TOML" in out.stderr and "Traceback" not in out.stderr


def test_a_second_run_reads_the_first_runs_answers_and_says_the_same(tmp_path: Path) -> None:
    """`bedside check` keeps the guard's start-up answers on disk (bedside.guard_memo): the next
    process reads them instead of its patterns, and must judge exactly as without them."""
    text = "Guaranteed painless! ur scope last tues w/ Jen went great, call 555-0142 #GIhealth"
    env = {**os.environ, "BEDSIDE_CACHE_DIR": str(tmp_path / "cache")}
    args = [sys.executable, "-m", "bedside", "check", "--json", "--kind", "reply", text]
    first = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    memo = list((tmp_path / "cache").glob("guard-memo-*.json"))
    assert len(memo) == 1 and memo[0].stat().st_size > 100_000, first.stderr
    second = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    assert first.returncode == second.returncode == 2
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert json.loads(first.stdout)["findings"]
