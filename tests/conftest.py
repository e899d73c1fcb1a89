"""Fixtures shared by every test that touches storage: each runs on SQLite AND PostgreSQL.

PostgreSQL is the machine's server (BEDSIDE_TEST_POSTGRES_URL, default 127.0.0.1:5432/test, trust
auth). Each test gets its own schema, dropped afterwards. If the server is down the tests fail
loudly: nothing is skipped silently.

It also makes tests/networks/replay.py (recorded HTTP exchanges) importable as `replay` from any
test (`from replay import load`): pytest's importlib mode does not put test folders on the path.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from bedside.settings import Settings, normalise_database_url
from bedside.store import Store, open_store

POSTGRES_URL = normalise_database_url(
    os.environ.get("BEDSIDE_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
)
BACKENDS = ["sqlite", "postgresql"]


def _stale_compiled_guard() -> list[str]:
    """Guard modules whose compiled build (setup.py, mypyc) is older than their source: the
    tests would import the old code, since an extension module shadows its .py."""
    guard = Path(__file__).resolve().parents[1] / "src" / "bedside" / "guard"
    return [py.name for py in sorted(guard.glob("*.py"))
            for so in guard.glob(py.stem + ".*.so")
            if so.stat().st_mtime < py.stat().st_mtime]


if _stale := _stale_compiled_guard():
    pytest.exit(f"the compiled guard is older than {', '.join(_stale[:3])}: run `make test` "
                "(it rebuilds) or `pip install -e .`", returncode=4)

@pytest.fixture(scope="session", autouse=True)
def _guard_memo_of_this_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The guard's start-up answers (bedside.guard_memo) in a folder of this run, not the user's
    cache: shared by the `bedside` processes the tests start, the first of which fills it."""
    before = os.environ.get("BEDSIDE_CACHE_DIR")
    os.environ["BEDSIDE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("BEDSIDE_CACHE_DIR", None)
    else:
        os.environ["BEDSIDE_CACHE_DIR"] = before


if "replay" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "replay", Path(__file__).parent / "networks" / "replay.py")
    assert _spec is not None and _spec.loader is not None
    sys.modules["replay"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["replay"])


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bedside.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        queue_url=None,
        secret_key=Fernet.generate_key().decode(),
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    opened = open_store(settings)
    yield opened
    opened.dispose()
