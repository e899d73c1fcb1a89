"""Connectors' limits come from the guard's one limits file, through the guard's own loader."""

from __future__ import annotations

import pytest

from bedside.errors import BedsideError
from bedside.guard import lengths
from bedside.networks.limits import MissingLimits, limits_for, measure

FILE_NETWORKS = ["bluesky", "facebook", "instagram", "linkedin", "mastodon", "threads", "x"]


@pytest.mark.parametrize("network", FILE_NETWORKS)
def test_every_field_is_the_guards_value(network: str) -> None:
    ours, guards = limits_for(network), lengths.limits(network)
    for name in ("name", "max_length", "unit", "max_images", "alt_text_max", "bio_max",
                 "display_name_max", "max_bytes", "checked", "source"):
        assert getattr(ours, name) == getattr(guards, name), name
    assert ours.checked is not None and len(ours.checked) == 10  # YYYY-MM-DD


def test_known_values_from_the_file() -> None:
    bluesky = limits_for("bluesky")
    assert (bluesky.max_length, bluesky.unit, bluesky.max_bytes) == (300, "graphemes", 3000)
    assert limits_for("x").unit == "weighted"
    assert measure("a" * 10 + " https://example.org/" + "p" * 80, "x") == 10 + 1 + 23


def test_a_network_without_limits_says_how_to_add_them() -> None:
    with pytest.raises(MissingLimits) as caught:
        limits_for("myspace")
    assert isinstance(caught.value, BedsideError)
    assert str(caught.value).startswith("guard/data/limits.toml has no limits for 'myspace'")
    with pytest.raises(MissingLimits):
        measure("hello", "myspace")
