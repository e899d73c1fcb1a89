"""`bedside post --review`: the draft goes on the reviewers' list (`bedside approve`), and a
planned post waits for the sign-off even though this practice does not require one."""

from __future__ import annotations

from .conftest import Bedside


def test_post_review_waits_for_the_reviewer(bedside: Bedside) -> None:
    assert bedside("account", "add", "outbox", "lakeside")[0] == 0
    assert bedside("member", "add", "kim@lakeside.example", "--role", "reviewer")[0] == 0
    draft = bedside.json("post", "Flu shots are in: walk in Tuesday 9-12.", "--to", "lakeside",
                         "--review")
    assert draft["review_requested"] is True and draft["stage"] == "awaiting sign-off"
    planned = bedside.json("post", "Five signs of dehydration in toddlers.", "--to", "lakeside",
                           "--at", "2030-01-08 09:00", "--review")
    assert planned["stage"] == "awaiting sign-off" and planned["ledger"] == []
    bedside.json("post", "A draft nobody asked about.", "--to", "lakeside")
    waiting = bedside.json("--as", "kim@lakeside.example", "approve")
    assert [p["id"] for p in waiting] == [planned["id"], draft["id"]]
    signed = bedside.json("--as", "kim@lakeside.example", "approve", str(planned["id"]))
    assert signed["stage"] == "scheduled" and [r["state"] for r in signed["ledger"]] == [
        "scheduled"]


def test_member_roles_change_and_the_practice_keeps_an_owner(bedside: Bedside) -> None:
    assert bedside("member", "add", "sam@lakeside.example", "--role", "editor")[0] == 0
    code, out, _ = bedside("member", "role", "Sam@Lakeside.example", "reviewer")
    assert code == 0 and "sam@lakeside.example is now reviewer" in out
    code, _, err = bedside("member", "role", "anita@lakeside.example", "editor")
    assert code != 0 and "only owner" in err and "Traceback" not in err
    assert bedside("member", "remove", "sam@lakeside.example")[0] == 0
    assert bedside.json("member", "list") == [{"email": "anita@lakeside.example",
                                              "role": "owner"}]
    code, _, err = bedside("member", "remove", "nobody@lakeside.example")
    assert code != 0 and "not a member" in err
