"""The install compiles the guard (setup.py, mypyc) wherever a C compiler is there: a build that
fell back to plain Python would pass every other test and silently lose the speed."""

from __future__ import annotations

import importlib
import os
import shutil
import sysconfig
from pathlib import Path

import pytest

import bedside.guard

GUARD = Path(bedside.guard.__file__).parent
MODULES = sorted(p.stem for p in GUARD.glob("*.py") if p.stem != "__init__")


def _can_compile() -> bool:
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    return shutil.which("cc") is not None and headers.exists()


@pytest.mark.skipif(os.environ.get("BEDSIDE_PURE") == "1", reason="plain Python asked for")
@pytest.mark.skipif(not _can_compile(), reason="no C compiler or Python headers here")
@pytest.mark.parametrize("name", MODULES)
def test_guard_module_is_compiled(name: str) -> None:
    module = importlib.import_module(f"bedside.guard.{name}")
    assert module.__file__ is not None
    assert module.__file__.endswith(sysconfig.get_config_var("EXT_SUFFIX")), module.__file__

