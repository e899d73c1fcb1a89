"""`bedside serve` for real: uvicorn on a loopback port with the worker in its thread, on the
database BEDSIDE_DATABASE_URL names (both backends), publishing a due post to the outbox."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bedside.services import accounts, publish, workspaces
from bedside.settings import Settings
from bedside.store import Store

BIN = Path(sys.executable).with_name("bedside")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_serve_answers_and_publishes_what_is_due(settings: Settings, store: Store,
                                                 tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "BEDSIDE_DATA_DIR": str(settings.data_dir),
           "BEDSIDE_DATABASE_URL": settings.database_url,
           "BEDSIDE_SECRET_KEY": settings.secret_key or ""}
    env.pop("BEDSIDE_QUEUE_URL", None)
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(base + "/signin").status_code in (200, 303)
        except httpx.TransportError:
            return False

    try:
        wait_until(answers)
        first = httpx.get(base + "/")
        assert first.status_code == 303 and first.headers["location"] == "/setup"
        assert httpx.get(base + "/static/vendor/htmx.min.js").status_code == 200
        owner = workspaces.init_workspace(
            store, profile_toml='[practice]\nname = "Lakeside"\n',
            owner_email="anita@lakeside.example")
        accounts.add_account(store, settings, owner, network="outbox", handle="lakeside",
                             kind="practice")
        post = publish.compose(store, owner, "Flu shots are in: walk in Tuesday 9-12.",
                               to=["lakeside"])
        # Due at once: the worker thread finds it through the reconciler (no task queued).
        publish.schedule(store, owner, post.id, datetime.now(UTC) + timedelta(seconds=1))

        def published() -> bool:
            view = publish.get_post(store, owner, post.id)
            return [r.state for r in view.ledger] == ["published"]

        wait_until(published, timeout=60)
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait(timeout=60)
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert code in (0, 130), output[-2000:]  # 130: stopped by Ctrl-C, as a shell expects
    assert "Traceback" not in output
    assert "All workers have stopped" in output  # the worker thread stopped with the server
