"""Screenshots of the dashboard's main pages for the README, saved into docs/screenshots/.

Run by hand (not by `make test`), after `make test` has installed Chromium and Playwright:

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

It serves bedside on a loopback port with a throwaway data directory holding the sample
practice ("try with sample data": services.demo), signs in and photographs each page that exists.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from playwright.sync_api import Page, sync_playwright

from bedside.services import demo, users, workspaces
from bedside.settings import Settings
from bedside.store import open_store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EMAIL, PASSWORD = "owner@maple.example", "screenshots only, thrown away"
# A draft with a patient's name and a promise, so the composer shows its live findings.
DRAFT = ("Great news: Mrs. Eleanor Whitaker, our patient since 2019, is finally cancer-free "
         "after her treatment with Dr. Lopez. This cure works for everyone!")
PAGES = [("signin", "/signin"), ("home", "/"), ("composer", "/compose"),
         ("calendar", "/calendar"), ("queue", "/queue"), ("settings", "/settings"),
         ("approvals", "/approvals")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def seed(data_dir: Path, key: str) -> None:
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'bedside.sqlite3'}",
                        queue_url=None, secret_key=key)
    store = open_store(settings)
    try:
        owner = users.create_owner(store, EMAIL, PASSWORD)
        demo.create_demo(store, settings, owner.user_id, owner.email)
        # The sample reviewer signs in for the approvals page (the owner does not review).
        slug = next(w.slug for w in users.workspaces_of(store, owner.user_id) if w.is_demo)
        reviewer = workspaces.actor_for(store, demo.REVIEWER, slug)
        users.set_password(store, reviewer.user_id, PASSWORD)
    finally:
        store.dispose()


def serve(data_dir: Path, key: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("BEDSIDE_DATABASE_URL", "BEDSIDE_QUEUE_URL")}
    env |= {"BEDSIDE_DATA_DIR": str(data_dir), "BEDSIDE_SECRET_KEY": key}
    bedside = Path(sys.executable).with_name("bedside")
    with log.open("wb") as out:
        process = subprocess.Popen([str(bedside), "serve", "--host", "127.0.0.1",
                                    "--port", str(port)], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if process.poll() is not None:
            raise SystemExit(f"bedside serve exited:\n{log.read_text()[-2000:]}")
        try:
            httpx.get(base + "/signin", timeout=2)
            return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("bedside serve did not answer within 30 s")


def shoot(page: Page, base: str, out: Path) -> list[str]:
    saved = []
    for name, path in PAGES:
        if name in ("home", "approvals"):
            if name == "approvals":
                page.get_by_role("button", name="Sign out").click()
            page.goto(base + "/signin")
            page.get_by_label("Email").fill(EMAIL if name == "home" else demo.REVIEWER)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("networkidle")
        response = page.goto(base + path)
        if response is None or response.status != 200:
            print(f"skipped {path}: {response.status if response else 'no answer'}")
            continue
        if name == "composer":
            page.get_by_label("Post text").fill(DRAFT)
            page.locator("mark.finding").first.wait_for(timeout=10_000)
        page.wait_for_load_state("networkidle")
        target = out / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        saved.append(str(target))
        print(f"saved {target}")
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bedside-shots-") as tmp:
        data_dir, key = Path(tmp) / "data", Fernet.generate_key().decode()
        data_dir.mkdir()
        seed(data_dir, key)
        process, base = serve(data_dir, key, Path(tmp) / "serve.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                shoot(page, base, args.out)
                browser.close()
        finally:
            os.kill(process.pid, signal.SIGINT)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
