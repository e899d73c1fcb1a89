"""Worker processes for the publisher's end-to-end and chaos tests (`python -m bedside.worker`).

Plain functions, no pytest: bench/_publisher.py imports this file with tests/publisher on
sys.path, so the benchmarks start their workers the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bedside.settings import Settings


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment a worker reads `settings` from (none of this process's BEDSIDE_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEDSIDE_")}
    env.update({
        "BEDSIDE_DATA_DIR": str(settings.data_dir),
        "BEDSIDE_DATABASE_URL": settings.database_url,
        "BEDSIDE_SECRET_KEY": settings.secret_key or "",
        "BEDSIDE_NO_KEYRING": "1",
        "BEDSIDE_LATE_GRACE_MINUTES": str(settings.late_grace.total_seconds() / 60),
    })
    if settings.queue_url:
        env["BEDSIDE_QUEUE_URL"] = settings.queue_url
    return env


def start_worker(settings: Settings, log: Path, *, threads: int = 2, lease: float = 1.0,
                 reconcile_every: float = 0.2, requeue_after: float = 1.0,
                 level: str = "WARNING") -> subprocess.Popen[bytes]:
    """Start a worker process; its log (ids and states only) goes to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bedside.worker", "--workers", str(threads),
             "--lease", str(lease), "--reconcile-every", str(reconcile_every),
             "--requeue-after", str(requeue_after), "--log-level", level],
            env=worker_env(settings), stdout=out, stderr=subprocess.STDOUT,
        )


def wait_for(condition: Callable[[], bool], *, timeout: float, every: float = 0.1) -> bool:
    """Whether `condition` came true within `timeout` seconds, looking every `every` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
