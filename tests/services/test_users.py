"""Dashboard users on both backends: argon2 hashes, sign-in, first owner, sessions, workspaces."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bedside.errors import UsageError
from bedside.services import users, workspaces
from bedside.store import Store
from bedside.store.models import User

PASSWORD = "correct horse battery"


def test_only_an_argon2_hash_is_stored_and_it_verifies(store: Store) -> None:
    made = users.create_owner(store, " Anita@Lakeside.example ", PASSWORD)
    with store.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.id == made.user_id))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    signed = users.authenticate(store, "anita@lakeside.example", PASSWORD)
    assert signed == made
    for email, password in (("anita@lakeside.example", "wrong password!"),
                            ("nobody@x.example", PASSWORD), ("anita@lakeside.example", "")):
        with pytest.raises(users.SignInFailed, match="^that email and password do not match$"):
            users.authenticate(store, email, password)


def test_weak_hashes_are_upgraded_at_sign_in(store: Store) -> None:
    made = users.create_owner(store, "anita@lakeside.example", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with store.session() as s:
        s.get_one(User, made.user_id).password_hash = weak
    signed = users.authenticate(store, "anita@lakeside.example", PASSWORD)
    with store.session() as s:
        upgraded = s.get_one(User, made.user_id).password_hash
    assert upgraded != weak and signed.fingerprint == users.fingerprint(upgraded)


def test_one_first_owner_and_sessions_end_with_a_new_password(store: Store) -> None:
    with pytest.raises(UsageError, match="at least 10 characters"):
        users.create_owner(store, "anita@lakeside.example", "short")
    with pytest.raises(UsageError, match="not an email address"):
        users.create_owner(store, "anita", PASSWORD)
    assert users.needs_owner(store)
    made = users.create_owner(store, "anita@lakeside.example", PASSWORD)
    assert not users.needs_owner(store)
    with pytest.raises(UsageError, match="already has an owner"):
        users.create_owner(store, "lee@x.example", PASSWORD)
    assert users.signed_in(store, made.user_id, made.fingerprint) == made
    users.set_password(store, made.user_id, "another long passphrase")
    assert users.signed_in(store, made.user_id, made.fingerprint) is None


def test_workspaces_and_actors_follow_membership(store: Store) -> None:
    users.create_owner(store, "anita@lakeside.example", PASSWORD)
    lakeside = workspaces.init_workspace(store, profile_toml='[practice]\nname = "Lakeside"\n',
                                         owner_email="anita@lakeside.example")
    demo = workspaces.init_workspace(store, profile_toml='[practice]\nname = "Demo"\n',
                                     owner_email="anita@lakeside.example", demo=True)
    other = workspaces.init_workspace(store, profile_toml='[practice]\nname = "Hillcrest"\n',
                                      owner_email="lee@hillcrest.example")
    anita = users.authenticate(store, "anita@lakeside.example", PASSWORD)
    assert [(w.name, w.is_demo, w.roles) for w in users.workspaces_of(store, anita.user_id)] == [
        ("Lakeside", False, ("owner",)), ("Demo", True, ("owner",))]
    assert users.actor_in(store, anita, lakeside.workspace_id) == lakeside
    assert users.actor_in(store, anita, demo.workspace_id) == demo
    assert users.actor_in(store, anita, other.workspace_id) is None
