"""Ready the guard for a long run: build every table now and keep them out of the collector.

The guard loads its data files and compiles its matchers on first use, and they stay for the
life of the process. A long run (`bedside check --jsonl`, the dashboard) calls `warm_up()` once:
the first real text then pays no load, and `gc.freeze()` moves the ~170,000 read-only objects
behind those tables out of the cyclic collector, whose full collections otherwise walk them all
(about 70 ms each, once every ~10,000 checks: 7 us a check, measured in docs/benchmarks.md).
"""

from __future__ import annotations

import gc

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


def warm_up(practice: Practice | None = None) -> None:
    """Build the guard's tables for every context, then freeze the heap they live on."""
    profile = practice or Practice()
    kinds: tuple[Kind, ...] = ("post", "reply")
    accounts: tuple[Account, ...] = ("practice", "personal")
    for network in (None, *NETWORKS):
        for kind in kinds:
            for account in accounts:
                check(_SAMPLE, Context(network, kind, account, profile))
    gc.freeze()
