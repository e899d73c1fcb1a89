"""Web fixtures, on SQLite and PostgreSQL: the app, and `web`: a practice whose members have
passwords (owner, editor, reviewer, one outbox account) and a second, unrelated practice for
isolation tests. Helpers (signed-in clients, CSRF token, emails) are in web_helpers.py.

pytest runs with --import-mode=importlib, so test modules cannot import their neighbours; this
conftest loads web_helpers.py once under that name (`from web_helpers import Web, csrf, OWNER`).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

if "web_helpers" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "web_helpers", Path(__file__).with_name("web_helpers.py"))
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["web_helpers"] = _module
    _spec.loader.exec_module(_module)

from web_helpers import (  # noqa: E402
    EDITOR,
    OTHER_OWNER,
    OTHER_PROFILE,
    OWNER,
    PASSWORD,
    PROFILE,
    REVIEWER,
    Web,
)

from bedside.services import accounts, users, workspaces  # noqa: E402
from bedside.settings import Settings  # noqa: E402
from bedside.store import Store  # noqa: E402
from bedside.web.app import create_app  # noqa: E402


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def web(app: FastAPI, store: Store, settings: Settings) -> Iterator[Web]:
    """Lakeside (owner, editor, reviewer, one outbox account) and Hillcrest (its own owner)."""
    users.create_owner(store, OWNER, PASSWORD)
    owner = workspaces.init_workspace(store, profile_toml=PROFILE, owner_email=OWNER)
    for email, role in ((EDITOR, "editor"), (REVIEWER, "reviewer")):
        workspaces.add_member(store, owner, email, role)
        users.set_password(store, workspaces.actor_for(store, email).user_id, PASSWORD)
    accounts.add_account(store, settings, owner, network="outbox", handle="lakeside",
                         kind="practice")
    other = workspaces.init_workspace(store, profile_toml=OTHER_PROFILE,
                                      owner_email=OTHER_OWNER)
    users.set_password(store, other.user_id, PASSWORD)
    result = Web(app, store, settings, owner, other)
    yield result
    for client in result.clients:
        client.__exit__(None, None, None)
