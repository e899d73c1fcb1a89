"""The ledger's state changes, with `now` injected, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bedside.networks import AccountRef, OutgoingPost, PermanentError, TransientError
from bedside.services import audit, ledger
from bedside.services.ledger import Claim, RetryPolicy
from bedside.store.models import Account, AuditEntry, Publication
from bedside.store.secrets import sealer_for

from .conftest import Practice

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)
GRACE = timedelta(hours=1)


def _claim(p: Practice, publication_id: int, *, worker: str = "w1",
           now: datetime = NOW) -> Claim | None:
    with p.store.session() as s:
        return ledger.claim(s, publication_id, worker=worker, now=now, lease=LEASE,
                            sealer=sealer_for(p.settings), late_grace=GRACE)


def _audit(p: Practice, action: str) -> list[AuditEntry]:
    with p.store.session() as s:
        return list(audit.entries(s, p.workspace_id, action=action))


# --- claim ----------------------------------------------------------------------------------


def test_claim_hands_over_what_the_network_needs(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW], link="https://lakeside.example/flu",
                    variants={"outbox": "Flu shots: walk in Tuesday 9-12.", "x": "short"})
    c = _claim(p, pid, now=NOW + timedelta(seconds=1))
    assert c is not None
    row = p.row(pid)
    assert (row.state, row.claimed_by, row.attempts) == ("publishing", "w1", 1)
    assert row.lease_until == NOW + timedelta(seconds=1) + LEASE == c.lease_until
    assert c.idempotency_key == row.idempotency_key and c.attempt == 1
    assert c.account == AccountRef("outbox", "lakeside", {"token": "t-1"}, {})
    assert c.post == OutgoingPost("Flu shots: walk in Tuesday 9-12.",  # the network's variant
                                  link="https://lakeside.example/flu")
    assert "t-1" not in repr(c) and "Flu shots" not in repr(c)


def test_claim_without_a_variant_sends_the_version_text(practice: Practice) -> None:
    (pid,) = practice.rows(practice.account_id, [NOW], variants={"x": "short"})
    c = _claim(practice, pid)
    assert c is not None and c.post.text.startswith("Flu shots are in.")


def test_claim_refuses_what_is_not_due_taken_or_paused(practice: Practice) -> None:
    p = practice
    early, taken, paused_row = p.rows(p.account_id, [NOW + timedelta(seconds=5), NOW, NOW])
    assert _claim(p, early) is None and p.row(early).state == "scheduled"
    assert _claim(p, taken, worker="a") is not None
    assert _claim(p, taken, worker="b") is None and p.row(taken).claimed_by == "a"
    with p.store.session() as s:
        s.execute(update(Account).where(Account.id == p.account_id).values(status="paused"))
    assert _claim(p, paused_row) is None and p.row(paused_row).state == "scheduled"
    assert _claim(p, 10_000) is None  # no such row


def test_two_workers_racing_for_each_row_one_wins(practice: Practice) -> None:
    p = practice
    ids = p.rows(p.account_id, [NOW] * 12)
    sealer = sealer_for(p.settings)
    wins: dict[int, list[str]] = {i: [] for i in ids}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def race(worker: str) -> None:
        try:
            for pid in ids:
                barrier.wait()
                with p.store.session() as s:
                    c = ledger.claim(s, pid, worker=worker, now=NOW, lease=LEASE, sealer=sealer)
                if c is not None:
                    wins[pid].append(worker)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=race, args=(w,)) for w in ("alpha", "beta")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(len(w) == 1 for w in wins.values()), wins
    for pid, (winner,) in wins.items():
        row = p.row(pid)
        assert (row.claimed_by, row.attempts) == (winner, 1)


# --- outcomes -------------------------------------------------------------------------------


def test_published_keeps_the_remote_id(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    c = _claim(p, pid)
    assert c is not None
    published = p.outbox().publish(c.account, c.post, idempotency_key=c.idempotency_key)
    with p.store.session() as s:
        done = ledger.record_published(s, pid, published, worker="w1", now=NOW)
    assert done.ok and done.state == "published"
    row = p.row(pid)
    assert (row.state, row.remote_id, row.remote_url) == ("published", published.remote_id,
                                                          published.url)
    assert row.published_at == published.published_at and row.lease_until is None
    assert [r.remote_id for r in p.outbox().records()] == [published.remote_id]


def test_outcomes_are_written_only_by_the_claims_holder(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    assert _claim(p, pid, worker="holder") is not None
    with p.store.session() as s:
        assert not ledger.record_transient(s, pid, "503", retry_after=None, worker="intruder",
                                           now=NOW).ok
        assert not ledger.record_permanent(s, pid, "revoked", worker="intruder", now=NOW).ok
        assert not ledger.record_failed(s, pid, "bad image", worker="intruder", now=NOW).ok
        assert not ledger.record_unknown(s, pid, "reset", worker="intruder", now=NOW).ok
    row = p.row(pid)
    assert (row.state, row.claimed_by, row.last_error) == ("publishing", "holder", None)
    with p.store.session() as s:
        assert ledger.record_failed(s, pid, "image unreadable", worker="holder", now=NOW).ok
    assert p.row(pid).state == "failed"
    with p.store.session() as s:
        assert s.get_one(Account, p.account_id).status == "active"  # a post's fault, not theirs


def test_retry_after_is_honoured(practice: Practice) -> None:
    p = practice
    stormy = p.add_account("stormy", options={
        "rate_limit_until": 4_000_000_000, "retry_after": 90})
    (pid,) = p.rows(stormy, [NOW])
    c = _claim(p, pid)
    assert c is not None
    with pytest.raises(TransientError) as raised:
        p.outbox().publish(c.account, c.post, idempotency_key=c.idempotency_key)
    assert raised.value.retry_after == 90
    with p.store.session() as s:
        r = ledger.record_transient(s, pid, str(raised.value),
                                    retry_after=raised.value.retry_after, worker="w1", now=NOW,
                                    late_grace=GRACE)
    assert r.ok and r.state == "scheduled"
    assert r.next_attempt_at is not None and r.next_attempt_at >= NOW + timedelta(seconds=90)
    row = p.row(pid)
    assert (row.state, row.next_attempt_at, row.claimed_by) == ("scheduled", r.next_attempt_at,
                                                                None)
    assert row.last_error and "Rate limited" in row.last_error
    assert _claim(p, pid, now=NOW + timedelta(seconds=89)) is None
    again = _claim(p, pid, worker="w2", now=r.next_attempt_at)
    assert again is not None and again.attempt == 2 and again.idempotency_key == c.idempotency_key
    assert p.outbox().records() == []


def test_transient_without_retry_after_backs_off_then_gives_up(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    policy = RetryPolicy(base=timedelta(seconds=2), cap=timedelta(seconds=10), max_attempts=4)
    now, waits = NOW, []
    for attempt in range(1, 5):
        assert _claim(p, pid, worker=f"w{attempt}", now=now) is not None
        with p.store.session() as s:
            r = ledger.record_transient(s, pid, "503 Service Unavailable", retry_after=None,
                                        worker=f"w{attempt}", now=now, policy=policy,
                                        rng=random.Random(attempt))
        if attempt < 4:
            assert r.state == "scheduled" and r.next_attempt_at is not None
            waits.append((r.next_attempt_at - now).total_seconds())
            now = r.next_attempt_at
        else:
            assert (r.state, r.next_attempt_at) == ("failed", None)
    assert 1 <= waits[0] <= 2 and 2 <= waits[1] <= 4 and 4 <= waits[2] <= 8
    row = p.row(pid)
    assert row.attempts == 4 and row.last_error is not None
    assert row.last_error.startswith("gave up after 4 attempts")
    assert [e.detail["publication_id"] for e in _audit(p, "publication.failed")] == [pid]


def test_retry_delay_is_jittered_capped_and_never_below_retry_after() -> None:
    policy = RetryPolicy(base=timedelta(seconds=2), cap=timedelta(minutes=15))
    rng = random.Random(7)
    for attempt in range(1, 40):
        ceiling = min(2 * 2 ** (attempt - 1), 900)
        delays = {ledger.retry_delay(attempt, None, policy=policy, rng=rng).total_seconds()
                  for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered, so a burst of failures does not retry in lockstep
    assert ledger.retry_delay(1, 120, policy=policy) == timedelta(seconds=120)
    assert ledger.retry_delay(10_000, None, policy=policy) <= timedelta(minutes=15)


def test_permanent_error_pauses_the_account_and_its_other_rows_wait(practice: Practice) -> None:
    p = practice
    revoked = p.add_account("revoked", options={"reject": "the access token was revoked"})
    first, second, third = p.rows(revoked, [NOW, NOW, NOW + timedelta(minutes=5)])
    (elsewhere,) = p.rows(p.account_id, [NOW])
    c = _claim(p, first)
    assert c is not None
    with pytest.raises(PermanentError) as raised:
        p.outbox().publish(c.account, c.post, idempotency_key=c.idempotency_key)
    with p.store.session() as s:
        r = ledger.record_permanent(s, first, raised.value.reason, worker="w1", now=NOW)
    assert r.ok and r.state == "failed"
    assert p.row(first).last_error == "the access token was revoked"
    with p.store.session() as s:
        account = s.get_one(Account, revoked)
        assert (account.status, account.paused_reason) == ("paused",
                                                           "the access token was revoked")
    paused = _audit(p, "account.paused")
    assert [(e.account_id, e.reason) for e in paused] == [(revoked,
                                                           "the access token was revoked")]
    later = NOW + timedelta(minutes=10)
    assert _claim(p, second, now=later) is None and _claim(p, third, now=later) is None
    assert p.row(second).state == p.row(third).state == "scheduled"
    assert _claim(p, elsewhere, now=later) is not None  # other accounts carry on
    # The owner fixes the token and resumes the account: its rows go out with their own keys.
    with p.store.session() as s:
        s.execute(update(Account).where(Account.id == revoked)
                  .values(status="active", paused_reason=None, options={}))
    for pid in (second, third):
        c = _claim(p, pid, worker=f"after-{pid}", now=later)
        assert c is not None
        published = p.outbox().publish(c.account, c.post, idempotency_key=c.idempotency_key)
        with p.store.session() as s:
            assert ledger.record_published(s, pid, published, worker=f"after-{pid}",
                                           now=later).ok
    assert len(p.outbox().records("revoked")) == 2


def test_unusable_credentials_fail_the_row_and_pause_the_account(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    with p.store.session() as s:
        s.execute(update(Account).where(Account.id == p.account_id)
                  .values(credentials=b"sealed with a key nobody has"))
    assert _claim(p, pid) is None
    row = p.row(pid)
    assert row.state == "failed" and row.last_error and "secret key" in row.last_error
    with p.store.session() as s:
        assert s.get_one(Account, p.account_id).status == "paused"


def test_an_image_without_alt_text_fails_that_post_only(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW], images=[{"path": "/nonexistent/flu.png", "alt": ""}])
    assert _claim(p, pid) is None
    row = p.row(pid)
    assert row.state == "failed" and row.last_error and "alt text" in row.last_error
    with p.store.session() as s:
        assert s.get_one(Account, p.account_id).status == "active"


# --- late posts -----------------------------------------------------------------------------


def test_a_row_due_longer_ago_than_the_grace_expires_instead_of_going_late(
        practice: Practice) -> None:
    p = practice
    late, on_the_edge = p.rows(p.account_id, [NOW - GRACE - timedelta(seconds=1), NOW - GRACE])
    assert _claim(p, late) is None
    row = p.row(late)
    assert row.state == "expired" and row.attempts == 0
    assert row.last_error and "reschedule" in row.last_error
    assert "2026-11-27 07:59" in row.last_error
    assert _claim(p, on_the_edge) is not None  # exactly at the grace: still on time
    assert [e.detail["publication_id"] for e in _audit(p, "publication.expired")] == [late]
    assert p.outbox().records() == []


def test_expire_late_marks_every_forgotten_row(practice: Practice) -> None:
    p = practice
    old = p.rows(p.account_id, [NOW - timedelta(days=2), NOW - timedelta(hours=3)])
    fresh = p.rows(p.account_id, [NOW - timedelta(minutes=5), NOW + timedelta(days=1)])
    with p.store.session() as s:
        s.execute(update(Account).where(Account.id == p.account_id).values(status="paused"))
    with p.store.session() as s:
        assert ledger.expire_late(s, now=NOW, late_grace=GRACE) == old
    assert [p.row(i).state for i in old + fresh] == ["expired"] * 2 + ["scheduled"] * 2


def test_a_retry_that_would_be_late_expires_now(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    assert _claim(p, pid, now=NOW + timedelta(minutes=50)) is not None
    with p.store.session() as s:
        r = ledger.record_transient(s, pid, "429 Too Many Requests", retry_after=900,
                                    worker="w1", now=NOW + timedelta(minutes=50),
                                    late_grace=GRACE)
    assert r.state == "expired"
    row = p.row(pid)
    assert row.state == "expired" and row.last_error and "429" in row.last_error


def test_unknown_outcome_ends_the_lease_for_the_reconciler(practice: Practice) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [NOW])
    assert _claim(p, pid) is not None
    with p.store.session() as s:
        assert ledger.record_unknown(s, pid, "connection reset", worker="w1", now=NOW).ok
    row = p.row(pid)
    assert (row.state, row.lease_until) == ("publishing", NOW)
    with p.store.session() as s:
        stale = s.scalars(select(Publication.id).where(
            Publication.state == "publishing",
            Publication.lease_until < NOW + timedelta(microseconds=1))).all()
    assert stale == [pid]
