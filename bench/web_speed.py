"""Dashboard speed: server time of the calendar, queue and composer-check requests with
100,000 posts in SQLite (the embedded default).

usage: python bench/web_speed.py [--practices N] [--history N] [--scheduled N] [--requests N]
                                 [--keep DIR]

Builds `--practices` practices (default 40) in one SQLite database, each with four outbox
accounts and its share of the posts: published posts over the past year (default 96,000 in all),
imported as the accounts' archives (services.archive, the path a real practice's history takes),
and scheduled posts over the next 90 days (default 4,000 in all), composed and scheduled through
services.publish: 100,000 posts. The first practice's owner signs in. (`--practices 1` puts
every post in one practice: about 260 a day, far past any practice, to see where pages break.)
Then the app (create_app) answers signed-in requests in-process (Starlette's TestClient: no
network, so the time is the server's):
  month, week   GET /calendar, month and week views of random days in the year
  queue         GET /queue (every account's upcoming posts and history)
  check         POST /compose/check, the live check the composer sends after a keystroke pause
  compose       GET /compose, the composer page
  best          GET /compose/best-hours, the best hours from the year's history (the composer
                page fetches them once it is shown)
  approvals     GET /approvals as the practice's reviewer (the planned posts await sign-off)
Targets (issue 5): p95 <= 150 ms for each; the live check p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from bedside.networks import NetworkContext, get_network
from bedside.services import accounts, archive, publish, users, workspaces
from bedside.settings import Settings
from bedside.store import Store, open_store
from bedside.web.app import create_app

EMAIL, PASSWORD = "owner@bench.example", "bench password, thrown away"
REVIEWER = "reviewer@bench.example"
PROFILE = """
[practice]
name = "Benchmark Family Medicine"
specialty = "family medicine"
timezone = "America/Chicago"
phones = ["(555) 010-2000"]
staff = ["Dr. Anita Patel"]
"""
HANDLES = ["practice", "anita", "clinic-news", "pediatrics"]
TEXTS = [
    "Flu shots are in: walk in any weekday morning, no appointment needed.",
    "Sunscreen check: SPF 30 or more, and reapply every two hours outdoors.",
    "Is it a cold or the flu? Flu comes on fast, with fever and aches.",
    "Back-to-school checklist: vaccines up to date, sports physical booked.",
    "Fever in babies under 3 months is different: call us any time, day or night.",
    "Reading together for 15 minutes a day builds language skills.",
    "New: same-day sick visits every weekday. Book online or call the front desk.",
    "Car seats: rear-facing as long as possible, at least until age 2.",
]
DRAFT = ("Great news: Eleanor Whitaker, our patient since 2019, is finally cancer-free after "
         "her treatment here. This cure works for everyone! Book today at (555) 010-2000.")


def build(settings: Settings, practices: int, history: int, scheduled: int,
          now: datetime) -> Store:
    """`practices` practices sharing the database, each with its share of the posts; the
    first one's owner signs in."""
    store = open_store(settings)
    users.create_owner(store, EMAIL, PASSWORD)

    def networks(name: str):  # type: ignore[no-untyped-def]
        return get_network(name, NetworkContext(data_dir=settings.data_dir))

    rng = random.Random(5)
    started = time.perf_counter()
    imported = planned = 0
    for n in range(practices):
        email = EMAIL if n == 0 else f"owner{n}@bench.example"
        profile = PROFILE.replace("Benchmark Family Medicine", f"Benchmark Practice {n}")
        owner = workspaces.init_workspace(store, profile_toml=profile, owner_email=email)
        if n == 0:  # sign-off required: the first practice's planned posts await its reviewer
            workspaces.set_require_signoff(store, owner, True)
            workspaces.add_member(store, owner, REVIEWER, "reviewer")
            users.set_password(store, workspaces.actor_for(
                store, REVIEWER, workspaces.workspace(store, owner).slug).user_id, PASSWORD)
        for handle in HANDLES:
            accounts.add_account(store, settings, owner, network="outbox", handle=handle,
                                 kind="practice")
        per_account = history // practices // len(HANDLES)
        for handle in HANDLES:
            posts = []
            for i in range(per_account):
                at = now - timedelta(seconds=rng.uniform(3600, 365 * 86400))
                likes = rng.randrange(100)
                posts.append({"id": f"outbox:{handle}-{i}", "url": f"outbox://{handle}/{i}",
                              "published_at": at.isoformat(),
                              "text": f"{TEXTS[i % len(TEXTS)]} ({i})", "reply_to": None,
                              "metrics": {"likes": likes, "replies": likes // 9,
                                          "reposts": likes // 6, "impressions": likes * 31}})
            path = settings.data_dir / f"{handle}-archive.json"
            path.write_text(json.dumps({"format": "bedside-outbox-archive", "version": 1,
                                        "handle": handle, "exported_at": now.isoformat(),
                                        "posts": posts}), encoding="utf-8")
            archive.import_archive(store, owner, f"outbox:{handle}", path, networks=networks,
                                   now=now)
            path.unlink()
            imported += per_account
        for i in range(scheduled // practices):
            handle = HANDLES[i % len(HANDLES)]
            post = publish.compose(store, owner, f"{TEXTS[i % len(TEXTS)]} [{i}]",
                                   to=[f"outbox:{handle}"])
            at = now + timedelta(days=1 + rng.uniform(0, 90))
            publish.schedule(store, owner, post.id, at.replace(second=0, microsecond=0),
                             now=now)
            planned += 1
    print(f"built {practices} practices: {imported:,} published posts over the past year "
          f"(imported archives) and {planned:,} scheduled over the next 90 days, "
          f"{imported + planned:,} posts in {time.perf_counter() - started:.0f} s")
    return store


def signed_in(client: TestClient, email: str = EMAIL) -> str:
    token: str = client.get("/api/session").json()["csrf_token"]
    response = client.post("/signin", data={"email": email, "password": PASSWORD,
                                            "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    token = client.get("/api/session").json()["csrf_token"]
    return token


def timed(name: str, count: int, call: Callable[[int], int]) -> list[float] | None:
    """Milliseconds for `count` calls after two warm-up calls; None if the page is missing."""
    for i in range(2):
        status = call(i)
        if status == 404:
            print(f"{name}: the page is missing (404); skipped")
            return None
        assert status == 200, f"{name}: HTTP {status}"
    times = []
    for i in range(count):
        started = time.perf_counter()
        status = call(i)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, f"{name}: HTTP {status}"
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=40,
                        help="practices sharing the database (1: every post in one practice)")
    parser.add_argument("--history", type=int, default=96_000)
    parser.add_argument("--scheduled", type=int, default=4_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", type=Path,
                        help="build the practice here and leave it; a later run reuses it")
    args = parser.parse_args()
    print(f"web_speed: {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, SQLite")
    with tempfile.TemporaryDirectory(prefix="bedside-web-bench-") as tmp:
        data_dir = args.keep or Path(tmp) / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file = data_dir / "bench-secret-key"
        if not key_file.exists():
            key_file.write_text(Fernet.generate_key().decode())
        settings = Settings(data_dir=data_dir,
                            database_url=f"sqlite:///{data_dir / 'bedside.sqlite3'}",
                            queue_url=None, secret_key=key_file.read_text())
        now = datetime.now(UTC)
        if (data_dir / "bedside.sqlite3").exists():  # --keep from an earlier run: reuse it
            store = open_store(settings)
            print(f"reusing the practice built in {data_dir}")
        else:
            store = build(settings, args.practices, args.history, args.scheduled, now)
        # The composer form names the chosen accounts by id: check for two networks' worth.
        first = workspaces.actor_for(store, EMAIL, "benchmark-practice-0")
        account_ids = [a.id for a in accounts.list_accounts(store, first)]
        store.dispose()
        rng = random.Random(6)
        results: dict[str, list[float] | None] = {}
        with TestClient(create_app(settings)) as client:
            token = signed_in(client)

            def calendar(view: str) -> Callable[[int], int]:
                def call(_i: int) -> int:
                    day = (now + timedelta(days=rng.randint(-365, 90))).date().isoformat()
                    return client.get(f"/calendar?view={view}&day={day}").status_code
                return call

            def queue(_i: int) -> int:
                return client.get("/queue").status_code

            def check(i: int) -> int:
                # What the composer sends: the whole form, a few more characters each time.
                text = DRAFT[: 60 + (i * 7) % (len(DRAFT) - 60)]
                data = {"text": text, "link": "", "csrf_token": token,
                        "account": account_ids[:2]}
                return client.post("/compose/check", data=data,
                                   headers={"HX-Request": "true",
                                            "X-CSRF-Token": token}).status_code

            results["month"] = timed("month", args.requests, calendar("month"))
            results["week"] = timed("week", args.requests, calendar("week"))
            results["queue"] = timed("queue", args.requests, queue)
            results["check"] = timed("check", args.requests, check)
            results["compose"] = timed("compose", args.requests,
                                       lambda _i: client.get("/compose").status_code)
            results["best"] = timed("best", args.requests,
                                    lambda _i: client.get("/compose/best-hours").status_code)
        with TestClient(create_app(settings)) as reviewer:
            signed_in(reviewer, REVIEWER)
            waiting = reviewer.get("/api/approvals").json()
            print(f"approvals: {len(waiting)} posts await the reviewer's sign-off")
            results["approvals"] = timed("approvals", args.requests,
                                         lambda _i: reviewer.get("/approvals").status_code)
        print(f"{'request':<10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target")
        for name, times in results.items():
            if times is None:
                continue
            target = "p95 <= 50 ms (live check)" if name == "check" else "p95 <= 150 ms"
            print(f"{name:<10} {len(times):>5} {statistics.median(times):>8.1f} "
                  f"{p95(times):>8.1f} {max(times):>8.1f}  {target}")


if __name__ == "__main__":
    main()
