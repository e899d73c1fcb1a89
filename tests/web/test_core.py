"""The app's core on both backends: static files, sessions, sign-in, CSRF, roles, errors."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from web_helpers import EDITOR, OTHER_OWNER, OWNER, PASSWORD, REVIEWER, Web, csrf

from bedside.errors import UsageError
from bedside.services import users
from bedside.services.workspaces import Actor
from bedside.web.app import discover_routers
from bedside.web.deps import require

SECRET_TEXT = "Ruth Smith, 92, MRN 00123"


def test_routers_are_discovered_in_name_order() -> None:
    names = [name for name, _ in discover_routers()]
    assert "auth" in names and "home" in names
    assert names == sorted(names)


def test_htmx_and_css_are_served_from_the_package(web: Web) -> None:
    client = web.client()
    js = client.get("/static/vendor/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text[:2000]
    assert client.get("/static/vendor/htmx-LICENSE").status_code == 200
    assert client.get("/static/bedside.css").status_code == 200
    page = client.get("/signin").text
    assert 'src="/static/vendor/htmx.min.js"' in page
    assert "https://" not in page and "http://" not in page  # no CDN


def test_sign_in_sets_a_signed_httponly_lax_cookie(web: Web) -> None:
    client = web.client()
    response = client.post("/signin", data={"email": OWNER, "password": PASSWORD,
                                            "csrf_token": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "bedside_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie
    home = client.get("/")
    assert home.status_code == 200 and "Lakeside Family Medicine" in home.text
    assert client.get("/api/session").json()["email"] == OWNER


def test_cookie_is_secure_over_https(web: Web) -> None:
    client = web.client(base_url="https://testserver")
    response = client.post("/signin", data={"email": OWNER, "password": PASSWORD,
                                            "csrf_token": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_password_and_unknown_email_get_the_same_refusal(web: Web) -> None:
    client = web.client()
    token = csrf(client)
    wrong = client.post("/signin", data={"email": OWNER, "password": "not the password",
                                         "csrf_token": token})
    unknown = client.post("/signin", data={"email": "nobody@x.example", "password": PASSWORD,
                                           "csrf_token": token})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "that email and password do not match" in response.text
    assert client.get("/api/session").json()["signed_in"] is False
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin"
    api = client.post("/api/session", json={"email": OWNER, "password": "nope"},
                      headers={"X-CSRF-Token": token})
    assert api.status_code == 401
    assert api.json() == {"error": "that email and password do not match"}


def test_unsafe_requests_without_the_csrf_token_are_refused(web: Web) -> None:
    client = web.client_for(OWNER)
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post("/signout", data=data)
        assert response.status_code == 403
        assert "reload the page" in response.text
    assert client.get("/api/session").json()["signed_in"] is True  # still signed in
    api = client.delete("/api/session")
    assert api.status_code == 403 and "error" in api.json()
    ok = client.delete("/api/session", headers={"X-CSRF-Token": csrf(client)})
    assert ok.status_code == 204
    assert client.get("/api/session").json()["signed_in"] is False


def test_a_new_session_gets_a_new_csrf_token(web: Web) -> None:
    client = web.client()
    before = csrf(client)
    client.post("/signin", data={"email": OWNER, "password": PASSWORD, "csrf_token": before})
    assert csrf(client) != before


def test_role_checks_refuse_other_roles(app: FastAPI, web: Web) -> None:
    probe = APIRouter()

    @probe.post("/api/probe/review")
    def review_probe(actor: Actor = Depends(require("review"))) -> dict[str, str]:  # noqa: B008
        return {"email": actor.email}

    app.include_router(probe)
    for email, expected in ((REVIEWER, 200), (EDITOR, 403), (OWNER, 403)):
        client = web.client_for(email)
        response = client.post("/api/probe/review", headers={"X-CSRF-Token": csrf(client)})
        assert response.status_code == expected, email
        if expected == 403:
            assert "does not allow this" in response.json()["error"]
    anonymous = web.client()
    response = anonymous.post("/api/probe/review", headers={"X-CSRF-Token": csrf(anonymous)})
    assert response.status_code == 401


def test_a_member_cannot_switch_into_another_practice(web: Web) -> None:
    client = web.client_for(OWNER)
    response = client.post("/workspace", data={"workspace_id": str(web.other.workspace_id),
                                               "csrf_token": csrf(client)})
    assert response.status_code == 404
    assert "Hillcrest" not in client.get("/").text
    assert client.get("/api/session").json()["workspace_id"] == web.owner.workspace_id
    other = web.client_for(OTHER_OWNER)
    assert "Hillcrest Pediatrics" in other.get("/").text
    assert "Lakeside" not in other.get("/").text


def test_a_password_change_ends_other_sessions(web: Web) -> None:
    client = web.client_for(OWNER)
    assert client.get("/api/session").json()["signed_in"] is True
    users.set_password(web.store, web.owner.user_id, "a brand new passphrase")
    assert client.get("/api/session").json()["signed_in"] is False


def test_bedside_errors_are_friendly_html_or_json(app: FastAPI, web: Web) -> None:
    @app.get("/api/probe/usage")
    @app.get("/probe/usage")
    def usage() -> None:
        raise UsageError("that date is in the past; choose a later one")

    client = web.client_for(OWNER)
    page = client.get("/probe/usage")
    assert page.status_code == 422 and "that date is in the past" in page.text
    assert "<html" in page.text
    api = client.get("/api/probe/usage")
    assert api.json() == {"error": "that date is in the past; choose a later one"}
    fragment = client.get("/probe/usage", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Retarget"] == "#flash" and "<html" not in fragment.text


def test_a_500_shows_no_traceback_and_no_text(app: FastAPI, web: Web) -> None:
    @app.get("/probe/crash")
    @app.get("/api/probe/crash")
    def crash() -> None:
        raise RuntimeError(f"database refused INSERT of {SECRET_TEXT!r}")

    client = web.client_for(OWNER)
    for path in ("/probe/crash", "/api/probe/crash"):
        response = client.get(path)
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.text
        for leak in ("Ruth", "MRN", "Traceback", "RuntimeError", "INSERT"):
            assert leak not in response.text


def test_user_text_is_escaped(web: Web) -> None:
    client = web.client()
    payload = '"><script>alert(1)</script>@x.example'
    page = client.post("/signin", data={"email": payload, "password": "x" * 12,
                                        "csrf_token": csrf(client)})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
