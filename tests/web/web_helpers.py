"""Helpers for web tests (the fixtures are in conftest.py): the practices' people, signed-in
clients and the CSRF token.

    web.client_for(OWNER)   a TestClient signed in as that member (closed after the test)
    csrf(client)            the session's CSRF token, for the form field or X-CSRF-Token
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bedside.services.workspaces import Actor
from bedside.settings import Settings
from bedside.store import Store

PASSWORD = "correct horse battery"
PROFILE = """
[practice]
name = "Lakeside Family Medicine"
specialty = "family medicine"
timezone = "America/Chicago"
phones = ["(555) 010-2000"]
staff = ["Dr. Anita Patel", "Kim Ortiz, RN"]
"""
OTHER_PROFILE = """
[practice]
name = "Hillcrest Pediatrics"
timezone = "America/New_York"
"""
OWNER, EDITOR, REVIEWER = "anita@lakeside.example", "sam@lakeside.example", "kim@lakeside.example"
OTHER_OWNER = "lee@hillcrest.example"


@dataclass
class Web:
    app: FastAPI
    store: Store
    settings: Settings
    owner: Actor
    other: Actor  # the owner of a second, unrelated practice
    clients: list[TestClient] = field(default_factory=list)

    def client(self, **options: object) -> TestClient:
        client = TestClient(self.app, **options)  # type: ignore[arg-type]
        client.__enter__()
        self.clients.append(client)
        return client

    def client_for(self, email: str, password: str = PASSWORD) -> TestClient:
        client = self.client()
        signin(client, email, password)
        return client


def csrf(client: TestClient) -> str:
    token = client.get("/api/session").json()["csrf_token"]
    assert isinstance(token, str) and len(token) > 20
    return token


def signin(client: TestClient, email: str, password: str = PASSWORD) -> None:
    response = client.post("/signin", data={"email": email, "password": password,
                                            "csrf_token": csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


