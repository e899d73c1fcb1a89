"""JSON can carry a lone surrogate ("\\ud800") that no database or network can encode: the
request is refused as the user's mistake (422, a plain reason), and nothing is saved."""

from __future__ import annotations

import json
from typing import Any

from web_helpers import EDITOR, Web, csrf

from bedside.services import accounts, publish

CLEAN = "Flu shots are in. Ask at the front desk about a walk-in appointment."
SURROGATE = "Flu shots are in \ud800 today."  # json.dumps sends it as the escape "\\ud800"


def _json(client: Any, method: str, path: str, text: str, outbox: int) -> Any:
    return client.request(method, path, content=json.dumps({"text": text, "accounts": [outbox]}),
                          headers={"X-CSRF-Token": csrf(client),
                                   "content-type": "application/json"})


def test_a_new_post_with_a_lone_surrogate_is_refused_and_nothing_saved(web: Web) -> None:
    client = web.client_for(EDITOR)
    outbox = accounts.find_account(web.store, web.owner, "outbox:lakeside").id
    made = _json(client, "POST", "/api/posts", SURROGATE, outbox)
    assert made.status_code == 422
    assert "lone surrogate" in made.json()["error"]
    assert publish.list_posts(web.store, web.owner) == []


def test_a_revision_with_a_lone_surrogate_keeps_the_saved_version(web: Web) -> None:
    client = web.client_for(EDITOR)
    outbox = accounts.find_account(web.store, web.owner, "outbox:lakeside").id
    made = _json(client, "POST", "/api/posts", CLEAN, outbox)
    assert made.status_code == 201
    before = client.get(f"/api/posts/{made.json()['id']}").json()
    revised = _json(client, "PUT", f"/api/posts/{made.json()['id']}", SURROGATE, outbox)
    assert revised.status_code == 422
    assert client.get(f"/api/posts/{made.json()['id']}").json() == before
    assert before["text"] == CLEAN
