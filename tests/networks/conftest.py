"""Make tests/networks/replay.py importable as `replay` and offer it as a fixture.

pytest runs with --import-mode=importlib, so test modules cannot import their neighbours; this
conftest loads the harness once under the name `replay` (`from replay import load, Replay`).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

if "replay" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("replay", Path(__file__).with_name("replay.py"))
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["replay"] = _module
    _spec.loader.exec_module(_module)

from replay import Replay, load  # noqa: E402


@pytest.fixture
def replay() -> Iterator[Callable[..., Replay]]:
    """`replay(network, case, **variables)`: a recording, verified when the test ends."""
    made: list[Replay] = []

    def make(network: str, case: str, **variables: str) -> Replay:
        recording = load(network, case, **variables)
        made.append(recording)
        return recording

    yield make
    for recording in made:
        recording.verify()
