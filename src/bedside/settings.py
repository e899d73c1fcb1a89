"""Settings from the environment, with an embedded default that needs no other service.

    BEDSIDE_DATA_DIR       where the SQLite database, the queue and the outbox live
                           (default: the OS's user data directory, via platformdirs)
    BEDSIDE_DATABASE_URL   a SQLAlchemy URL; PostgreSQL for several processes on several machines
                           (default: sqlite in the data directory)
    BEDSIDE_QUEUE_URL      the worker's queue: unset = SqliteHuey in the data directory;
                           redis://… = RedisHuey; postgresql://… = PostgresHuey
    BEDSIDE_SECRET_KEY     the key that encrypts platform credentials at rest (urlsafe base64,
                           32 bytes; several, comma-separated, newest first, to rotate). Unset: the
                           OS keyring, else a key file in the data directory (mode 0600).
    BEDSIDE_LATE_GRACE_MINUTES  how long after its time a post may still go out (default 60);
                           past that it is marked expired and shown, never sent silently late
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs

from bedside.errors import UsageError

DEFAULT_LATE_GRACE = timedelta(hours=1)
MAX_MINUTES = 366 * 24 * 60


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    queue_url: str | None
    secret_key: str | None
    late_grace: timedelta = DEFAULT_LATE_GRACE

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("BEDSIDE_DATA_DIR") or platformdirs.user_data_dir("bedside"))
        url = env.get("BEDSIDE_DATABASE_URL") or f"sqlite:///{data_dir / 'bedside.sqlite3'}"
        return cls(
            data_dir=data_dir,
            database_url=normalise_database_url(url),
            queue_url=env.get("BEDSIDE_QUEUE_URL") or None,
            secret_key=env.get("BEDSIDE_SECRET_KEY") or None,
            late_grace=_minutes(env, "BEDSIDE_LATE_GRACE_MINUTES", DEFAULT_LATE_GRACE),
        )


def _minutes(env: Mapping[str, str], name: str, default: timedelta) -> timedelta:
    value = env.get(name)
    if not value:
        return default
    try:
        minutes = float(value)
    except ValueError:
        minutes = -1.0
    if not (0 <= minutes <= MAX_MINUTES):  # also refuses nan and inf
        raise UsageError(f"{name} must be a number of minutes, not {value!r}")
    return timedelta(minutes=minutes)


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
