"""warm_up: builds the guard's tables and freezes them out of the collector, changing no answer."""

from __future__ import annotations

import gc

from bedside.guard import Context, check
from bedside.guard.warm import warm_up

TEXT = ("Our patient Jane Roe, 93, was seen this morning at 14 Elm St. "
        "Best doctor in town, book now!")


def test_warm_up_freezes_the_tables_and_changes_no_answer() -> None:
    ctx = Context(network="x", kind="post", account="practice")
    before = check(TEXT, ctx).to_dict()
    frozen = gc.get_freeze_count()
    try:
        warm_up()
        assert gc.get_freeze_count() > frozen
        assert check(TEXT, ctx).to_dict() == before
        assert before["verdict"] == "block"
    finally:
        gc.unfreeze()
