"""Where the team's shared data lives (absent on a user's clone: benchmarks then say so)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """`$BEDSIDE_SHARED` or ../shared beside the project, when present."""
    path = Path(os.environ.get("BEDSIDE_SHARED", ROOT.parent / "shared"))
    return path if (path / "corpus" / "posts.jsonl").exists() else None
