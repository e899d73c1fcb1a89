"""The guard compiled to C with mypyc: the same typed source, about 1.25x the checks per second.

`pip install` builds it when a C compiler and the Python headers are there; where they are not (or
BEDSIDE_PURE=1), bedside installs as plain Python, which behaves the same, only slower. Everything
else (pyproject.toml) is declarative.
"""

from __future__ import annotations

import os
import sys
from glob import glob
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """A failed compile falls back to the pure-Python guard instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # any compiler failure: install as plain Python
            print(f"bedside: guard not compiled ({exc}); installing it as plain Python",
                  file=sys.stderr)

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            print(f"bedside: {ext.name} not compiled ({exc})", file=sys.stderr)


def guard_extensions() -> list[Any]:
    if os.environ.get("BEDSIDE_PURE") == "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    sources = sorted(glob("src/bedside/guard/*.py"))
    # The mypy settings of pyproject.toml (strict on the guard) are the ones it compiles under.
    return mypycify(["--config-file", "pyproject.toml", *sources], opt_level="3")


setup(ext_modules=guard_extensions(), cmdclass={"build_ext": OptionalBuildExt})
