"""Ready the guard for a long run: build every table now and keep them out of the collector.

The guard loads its data files and compiles its matchers on first use, and they stay for the
life of the process. A long run (`bedside check --jsonl`, the dashboard) calls `warm_up()` once:
the first real text then pays no load, and `gc.freeze()` moves the ~170,000 read-only objects
behind those tables out of the cyclic collector, whose full collections otherwise walk them all
(about 70 ms each, once every ~10,000 checks: 7 us a check, measured in docs/benchmarks.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from bedside.guard.context import NETWORKS, Account, Context, Kind, Practice
from bedside.guard.engine import check

# One text that wakes every recogniser and rule family (identifiers of each type, names, cues,
# claims, promotion, personal and professionalism words, hashtags, a link).
_SAMPLE = (
    "Jane Doe, 91, saw Dr. Lee at 12 Main St, Springfield 62704 on 3/4/2024 last night; call "
    "555-201-4477 or jane@example.org, MRN 448812, SSN 078-05-1120, IP 10.0.0.1. Your visit "
    "went well! Guaranteed painless cure, best doctor in town, book now at https://bit.ly/x "
    "#WorldHealthDay. Date night with my husband, wine o'clock. These idiots never listen."
)


@contextmanager
def kept_tables() -> Iterator[None]:
    """Around the guard's first checks: the cyclic collector off while they build the tables,
    then the tables frozen out of its passes. They are some 700,000 objects kept for the life of
    the process; the collector's passes over them, as the heap grows and again at exit, cost as
    much as a third of a short run (docs/benchmarks.md)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        gc.freeze()


def warm_up(practice: Practice | None = None) -> None:
    """Build the guard's tables for every context, then freeze the heap they live on."""
    profile = practice or Practice()
    kinds: tuple[Kind, ...] = ("post", "reply")
    accounts: tuple[Account, ...] = ("practice", "personal")
    with kept_tables():
        for network in (None, *NETWORKS):
            for kind in kinds:
                for account in accounts:
                    check(_SAMPLE, Context(network, kind, account, profile))
