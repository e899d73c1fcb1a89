"""Practice profiles: read the TOML format, or fail with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bedside.errors import ProfileError
from bedside.guard.context import load_practice

PROFILE = """
[practice]
name = "Lakeside Family Medicine"
phones = ["(555) 010-2000"]
emails = ["hello@lakesidefm.example"]
staff = ["Dr. Anita Patel", "Kim Ortiz, RN"]
"""


def test_reads_profile(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(PROFILE)
    practice = load_practice(path)
    assert practice.name == "Lakeside Family Medicine"
    assert practice.staff == ("Dr. Anita Patel", "Kim Ortiz, RN")
    assert practice.websites == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[practice\nname=1", "not valid TOML"),
        ("[practice]\nstaff = 3", "practice.staff must be a list of strings"),
        ("[practice]\nname = 3", "practice.name must be a string"),
    ],
)
def test_bad_profiles_fail_clearly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(content)
    with pytest.raises(ProfileError, match=message):
        load_practice(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read practice profile"):
        load_practice(tmp_path / "absent.toml")
