"""Conventions kept true: every network that is registered and loads is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bedside.errors import BedsideError
from bedside.networks import registry

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "networks.md"
SECTION = re.compile(r"^## [^\n]+ \(`([a-z][a-z0-9_]*)`\)\n(.*?)(?=^## |\Z)", re.M | re.S)


def sections() -> dict[str, str]:
    return {name: body for name, body in SECTION.findall(DOCS.read_text(encoding="utf-8"))}


def loads(name: str) -> bool:
    """A network another helper is still writing is checked once its module imports."""
    try:
        registry.network_class(name)
    except BedsideError:
        return False
    return True


@pytest.mark.parametrize("name", registry.names())
def test_a_registered_network_that_loads_is_documented(name: str) -> None:
    if not loads(name):
        pytest.xfail(f"{name}'s module does not import yet")  # reported, never silently passed
    body = sections().get(name)
    assert body is not None, f"docs/networks.md has no section '## … (`{name}`)'"
    assert f"src/bedside/networks/{name}.py" in body, f"the {name} section names no module"
    for topic in ("connect|credentials", "test"):  # how an account connects, how it is tested
        assert re.search(topic, body, re.I), f"the {name} section does not say: {topic}"


def test_every_documented_network_is_registered() -> None:
    assert set(sections()) <= set(registry.names())


def test_contributing_lists_every_file_a_network_touches() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for path in ("src/bedside/networks/NAME.py", "src/bedside/networks/registry.py",
                 "src/bedside/guard/data/limits.toml", "docs/networks.md",
                 "tests/fixtures/networks/NAME/", "tests/networks/replay.py", "pyproject.toml"):
        assert path in text, path


def test_an_undocumented_network_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a registered, importable network without a section."""
    monkeypatch.setattr(registry, "_TARGETS", dict(registry._TARGETS))
    registry.register("myspace", "bedside.networks.outbox:OutboxNetwork")
    assert loads("myspace") and "myspace" not in sections()
    with pytest.raises(AssertionError, match="no section"):
        test_a_registered_network_that_loads_is_documented("myspace")
