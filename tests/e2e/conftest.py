"""End-to-end fixtures: `bedside serve` as a real process on a loopback port, and the system
Chromium driven by Playwright.

    site          a served practice (Lakeside: owner, editor, reviewer, one outbox account),
                  seeded through the services before the server starts, shared by the session
    fresh_server  a served, empty data directory (first run), one per test
    page          a new browser context and page (its own cookies) for one test
    new_page      new_page(): another such page, for a second person in the same test
    sign_in       sign_in(page, base_url, email) through the sign-in form

Chromium is Debian's (/usr/bin/chromium, installed by scripts/ensure-browser.sh from `make test`);
Playwright never downloads a browser here. If Chromium cannot start, the tests fail loudly:
nothing is skipped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from bedside.services import accounts, users, workspaces
from bedside.settings import Settings
from bedside.store import open_store

CHROMIUM = "/usr/bin/chromium"
# As root with no network: no sandbox (root), no GPU, and nothing that phones home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BEDSIDE = Path(sys.executable).with_name("bedside")
START_TIMEOUT = 30.0

PASSWORD = "correct horse battery"
PROFILE = """
[practice]
name = "Lakeside Family Medicine"
specialty = "family medicine"
timezone = "America/Chicago"
phones = ["(555) 010-2000"]
staff = ["Dr. Anita Patel", "Kim Ortiz, RN"]
"""


@dataclass
class Server:
    """One `bedside serve` process and the settings it runs with (for looking through services)."""

    base_url: str
    settings: Settings
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Site:
    """The seeded practice a session's tests share."""

    server: Server
    owner: str = "anita@lakeside.example"
    editor: str = "sam@lakeside.example"
    reviewer: str = "kim@lakeside.example"
    password: str = PASSWORD
    account: str = "lakeside"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.server.base_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def make_settings(data_dir: Path) -> Settings:
    """SQLite in its own data directory, the embedded default `make run` uses."""
    return Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'bedside.sqlite3'}",
                    queue_url=None, secret_key=Fernet.generate_key().decode())


def start_server(settings: Settings, log: Path) -> Server:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("BEDSIDE_DATABASE_URL", "BEDSIDE_QUEUE_URL")}
    env |= {"BEDSIDE_DATA_DIR": str(settings.data_dir),
            "BEDSIDE_SECRET_KEY": settings.secret_key or ""}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BEDSIDE), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", settings, process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"bedside serve exited with {process.returncode}:\n"
                        f"{server.output()[-3000:]}")
        try:
            if httpx.get(server.base_url + "/signin", timeout=2).status_code in (200, 303):
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    pytest.fail(f"bedside serve did not answer within {START_TIMEOUT:.0f} s:\n"
                f"{server.output()[-3000:]}")


def stop_server(server: Server) -> None:
    """Ctrl-C by PID (the worker thread stops with the server); SIGKILL if it hangs."""
    if server.process.poll() is None:
        os.kill(server.process.pid, signal.SIGINT)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Settings], Server]]:
    """Start `bedside serve` on a data directory; every server started is stopped at the end,
    and its log is checked for tracebacks (a 500 must never leave one unnoticed)."""
    started: list[Server] = []

    def start(settings: Settings) -> Server:
        log = tmp_path_factory.mktemp("serve") / "serve.log"
        server = start_server(settings, log)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)
    for server in started:
        assert "Traceback" not in server.output(), server.output()[-4000:]


@pytest.fixture(scope="session")
def site(serve: Callable[[Settings], Server],
         tmp_path_factory: pytest.TempPathFactory) -> Site:
    settings = make_settings(tmp_path_factory.mktemp("site") / "data")
    result = Site(server=None)  # type: ignore[arg-type]
    store = open_store(settings)
    try:
        users.create_owner(store, result.owner, PASSWORD)
        owner = workspaces.init_workspace(store, profile_toml=PROFILE, owner_email=result.owner)
        for email, role in ((result.editor, "editor"), (result.reviewer, "reviewer")):
            workspaces.add_member(store, owner, email, role)
            users.set_password(store, workspaces.actor_for(store, email).user_id, PASSWORD)
        accounts.add_account(store, settings, owner, network="outbox", handle=result.account,
                             kind="practice")
        # A reviewer signs off every post before it goes out: the flow the tests walk through.
        workspaces.set_require_signoff(store, owner, True)
    finally:
        store.dispose()
    result.server = serve(settings)
    return result


@pytest.fixture
def fresh_server(serve: Callable[[Settings], Server], tmp_path: Path) -> Server:
    return serve(make_settings(tmp_path / "data"))


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-browser.sh (make test does)")
    try:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
    except Exception as exc:  # noqa: BLE001 - any launch failure must fail the run, loudly
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}")
    yield launched
    launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """new_page(): a page in a context of its own (its own cookies: one person each);
    a JavaScript dialog (an injected alert) fails the test."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        # 30 s: under a full CI run a 2-core VM once took over 10 s for the first compose page
        # (the guard's tables are built on first use) and for the sample-data workspace
        context.set_default_timeout(30_000)
        contexts.append(context)
        opened = context.new_page()
        opened.on("dialog", _no_dialogs)
        return opened

    yield make
    for context in contexts:
        context.close()


def _no_dialogs(dialog: Dialog) -> None:
    message = dialog.message
    dialog.dismiss()
    raise AssertionError(f"the page opened a {dialog.type} dialog: {message!r}")


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


def _sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    return _sign_in
