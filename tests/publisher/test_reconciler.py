"""The reconciler asks the network before any retry, re-queues lost work and runs alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bedside.networks import Network, NetworkContext, get_network, registry
from bedside.networks.base import CannotTell
from bedside.services import audit, ledger
from bedside.services.reconciler import ReconcileReport, reconcile, single_runner
from bedside.store.models import Account, PostVersion
from bedside.store.secrets import sealer_for

from .conftest import Practice

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)
AFTER_LEASE = NOW + LEASE + timedelta(seconds=1)
GRACE = timedelta(hours=1)


def _networks(p: Practice) -> dict[str, Network]:
    return {"outbox": get_network("outbox", NetworkContext(data_dir=p.settings.data_dir))}


def _reconcile(p: Practice, now: datetime, **kwargs: object) -> ReconcileReport:
    return reconcile(p.store.sessions, _networks(p).__getitem__, sealer=sealer_for(p.settings),
                     now=now, late_grace=GRACE, **kwargs)  # type: ignore[arg-type]


def _claimed(p: Practice, pid: int, worker: str = "w1", now: datetime = NOW) -> ledger.Claim:
    with p.store.session() as s:
        c = ledger.claim(s, pid, worker=worker, now=now, lease=LEASE,
                         sealer=sealer_for(p.settings), late_grace=GRACE)
    assert c is not None
    return c


def test_a_killed_worker_whose_post_went_out_is_recorded_not_republished(
        practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    c = _claimed(p, pid)
    published = p.outbox().publish(c.account, c.post, idempotency_key=c.idempotency_key)
    # ...and the worker dies before it records the answer.
    assert _reconcile(p, NOW + timedelta(seconds=29)).published == []  # the lease still runs
    report = _reconcile(p, AFTER_LEASE)
    assert report.published == [pid] and report.requeue == []
    row = p.row(pid)
    assert (row.state, row.remote_id, row.published_at) == ("published", published.remote_id,
                                                            published.published_at)
    assert len(p.outbox().records()) == 1
    with p.store.session() as s:  # the stalled worker wakes up: it cannot overwrite
        assert not ledger.record_published(s, pid, published, worker="w1", now=AFTER_LEASE).ok
    assert _reconcile(p, AFTER_LEASE + LEASE).published == []


def test_a_killed_worker_whose_post_never_left_is_retried_once(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    first = _claimed(p, pid)  # the worker dies before the network call
    report = _reconcile(p, AFTER_LEASE)
    assert report.retried == [pid] and report.requeue == [pid]
    row = p.row(pid)
    assert (row.state, row.next_attempt_at, row.claimed_by) == ("scheduled", AFTER_LEASE, None)
    second = _claimed(p, pid, worker="w2", now=AFTER_LEASE)
    assert second.idempotency_key == first.idempotency_key and second.attempt == 2
    published = p.outbox().publish(second.account, second.post,
                                   idempotency_key=second.idempotency_key)
    with p.store.session() as s:
        assert ledger.record_published(s, pid, published, worker="w2", now=AFTER_LEASE).ok
    assert _reconcile(p, AFTER_LEASE + 3 * LEASE).retried == []
    assert len(p.outbox().records()) == 1 and p.row(pid).state == "published"


def test_a_network_that_cannot_tell_leaves_the_row_uncertain(practice: Practice) -> None:
    p = practice
    opaque = p.add_account("opaque", options={"cannot_tell": True})
    (pid,) = p.rows(opaque, [NOW])
    _claimed(p, pid)
    report = _reconcile(p, AFTER_LEASE)
    assert report.uncertain == [pid] and report.requeue == []
    row = p.row(pid)
    assert row.state == "uncertain" and row.last_error
    assert "outbox:opaque" in row.last_error and "will not send it again" in row.last_error
    with p.store.session() as s:
        entries = audit.entries(s, p.workspace_id, action="publication.uncertain")
        assert [e.detail["publication_id"] for e in entries] == [pid]
    assert _reconcile(p, AFTER_LEASE + timedelta(hours=2)).requeue == []  # never retried
    assert p.row(pid).state == "uncertain" and p.outbox().records() == []


@pytest.fixture
def keyless(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Register the keyless test network (tests/publisher/keyless_network.py) for one test."""
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    monkeypatch.setattr(registry, "_TARGETS", dict(registry._TARGETS))
    registry.register("keyless", "keyless_network:KeylessNetwork")
    yield
    sys.modules.pop("keyless_network", None)


def _machine(tmp_path: Path, name: str) -> Network:
    """The keyless connector as one machine builds it: with its own data directory."""
    return get_network("keyless", NetworkContext(data_dir=tmp_path / name))


def _keyless_row(p: Practice, tmp_path: Path, at: datetime) -> tuple[int, Path]:
    server = tmp_path / "keyless-server.sqlite3"
    account = p.add_account("lakeside-keyless", credentials={"token": "k-1"})
    with p.store.session() as s:
        s.execute(update(Account).where(Account.id == account).values(
            network="keyless", options={"server": str(server)}))
    (pid,) = p.rows(account, [at], variants={"keyless": "Flu shots: walk in Tuesday 9-12."})
    return pid, server


def _reconcile_on(p: Practice, network: Network, now: datetime) -> ReconcileReport:
    return reconcile(p.store.sessions, {"keyless": network}.__getitem__,
                     sealer=sealer_for(p.settings), now=now, late_grace=GRACE)


@pytest.mark.usefixtures("keyless")
def test_a_post_sent_from_another_machine_without_keys_is_found_not_republished(
        practice: Practice, tmp_path: Path) -> None:
    import keyless_network

    p = practice
    claimed_at = datetime.now(UTC) - timedelta(minutes=10)  # the networks' clocks are real
    pid, server = _keyless_row(p, tmp_path, claimed_at)
    c = _claimed(p, pid, now=claimed_at)
    assert c.post.text == "Flu shots: walk in Tuesday 9-12."  # the variant, not the version
    # Machine A's worker sends (its journal records it), then dies before recording the answer.
    published = _machine(tmp_path, "a").publish(c.account, c.post,
                                                idempotency_key=c.idempotency_key)
    # Machine B's reconciler has no journal row for the key: its hints find the post.
    b = _machine(tmp_path, "b")
    with pytest.raises(CannotTell, match="no attempt with this key"):
        b.find(c.account, idempotency_key=c.idempotency_key)  # without them: never None
    report = _reconcile_on(p, b, claimed_at + LEASE + timedelta(seconds=1))
    assert report.published == [pid] and report.retried == [] and report.requeue == []
    row = p.row(pid)
    assert (row.state, row.remote_id) == ("published", published.remote_id)
    assert len(keyless_network.posts(server)) == 1


@pytest.mark.usefixtures("keyless")
def test_a_post_never_sent_by_a_keyless_network_is_retried(practice: Practice,
                                                           tmp_path: Path) -> None:
    import keyless_network

    p = practice
    claimed_at = datetime.now(UTC) - timedelta(minutes=10)
    pid, server = _keyless_row(p, tmp_path, claimed_at)
    _claimed(p, pid, now=claimed_at)  # the worker dies before sending anything
    b = _machine(tmp_path, "b")
    report = _reconcile_on(p, b, claimed_at + LEASE + timedelta(seconds=1))
    assert report.retried == [pid] and p.row(pid).state == "scheduled"
    again = _claimed(p, pid, worker="w2", now=claimed_at + LEASE + timedelta(seconds=2))
    b.publish(again.account, again.post, idempotency_key=again.idempotency_key)
    assert [text for _, _, text in keyless_network.posts(server)] == [again.post.text]


@pytest.mark.usefixtures("keyless")
def test_an_unknown_key_without_hints_is_uncertain_never_retried(practice: Practice,
                                                                 tmp_path: Path) -> None:
    import keyless_network

    p = practice
    claimed_at = datetime.now(UTC) - timedelta(minutes=10)
    pid, server = _keyless_row(p, tmp_path, claimed_at)
    c = _claimed(p, pid, now=claimed_at)
    _machine(tmp_path, "a").publish(c.account, c.post, idempotency_key=c.idempotency_key)
    with p.store.session() as s:  # the version's image can no longer be described: no post
        s.execute(update(PostVersion).values(images={"items": [{"path": "gone.png"}]}))
    report = _reconcile_on(p, _machine(tmp_path, "b"), claimed_at + LEASE + timedelta(seconds=1))
    assert report.uncertain == [pid] and report.retried == [] and report.requeue == []
    last_error = p.row(pid).last_error
    assert last_error is not None and "no attempt with this key" in last_error
    assert len(keyless_network.posts(server)) == 1


def test_a_network_down_is_asked_again_then_uncertain(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    _claimed(p, pid)
    p.settings.data_dir.mkdir(parents=True, exist_ok=True)
    (p.settings.data_dir / "outbox.sqlite3").mkdir()  # the outbox file cannot be opened
    asking = timedelta(minutes=15)
    report = _reconcile(p, AFTER_LEASE, give_up_asking=asking)
    assert report.waiting == [pid] and p.row(pid).state == "publishing"
    report = _reconcile(p, NOW + LEASE + asking + timedelta(seconds=1), give_up_asking=asking)
    assert report.uncertain == [pid]
    last_error = p.row(pid).last_error
    assert last_error is not None and "outbox file is unavailable" in last_error


def test_due_rows_whose_task_was_lost_are_requeued(practice: Practice) -> None:
    p = practice
    lost, recent, future = p.rows(p.account_id, [NOW - timedelta(seconds=30),
                                                 NOW - timedelta(seconds=3),
                                                 NOW + timedelta(minutes=1)])
    report = _reconcile(p, NOW, requeue_after=timedelta(seconds=10))
    assert report.requeue == [lost]
    assert [p.row(i).state for i in (lost, recent, future)] == ["scheduled"] * 3


def test_a_paused_accounts_rows_wait_and_resuming_releases_them(practice: Practice) -> None:
    p = practice
    waiting = p.rows(p.account_id, [NOW - timedelta(minutes=5), NOW - timedelta(minutes=2)])
    with p.store.session() as s:
        s.execute(update(Account).where(Account.id == p.account_id).values(status="paused"))
    assert _reconcile(p, NOW).requeue == []
    with p.store.session() as s:
        s.execute(update(Account).where(Account.id == p.account_id).values(status="active"))
    assert _reconcile(p, NOW).requeue == waiting


def test_forgotten_rows_expire_in_a_pass(practice: Practice) -> None:
    p = practice
    (old,) = p.rows(p.account_id, [NOW - timedelta(hours=5)])
    report = _reconcile(p, NOW)
    assert report.expired == [old] and report.requeue == []
    assert p.row(old).state == "expired"


def test_only_one_reconciler_runs_at_a_time_in_a_process(practice: Practice) -> None:
    p = practice
    p.rows(p.account_id, [NOW - timedelta(minutes=1)])
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with single_runner(p.store.engine) as held:
            assert held
            holding.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert holding.wait(10)
        assert _reconcile(p, NOW) == ReconcileReport(ran=False)
    finally:
        release.set()
        t.join()
    assert _reconcile(p, NOW).ran


HOLDER = """
import sys, time
from sqlalchemy import create_engine
from bedside.services.reconciler import single_runner
engine = create_engine(sys.argv[1])
with single_runner(engine) as held:
    print("held" if held else "busy", flush=True)
    time.sleep(60)
"""


def test_the_lock_is_across_processes_and_dies_with_its_holder(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW - timedelta(minutes=1)])
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, p.settings.database_url],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not _reconcile(p, NOW).ran
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # no chance to release it
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    report = _reconcile(p, NOW)
    assert report.ran and report.requeue == [pid]
