"""`create_app(settings)`: the dashboard as a FastAPI application.

Every module in bedside.web.routes with a `router` is included (in name order), each guarded by
the CSRF check; /static serves the package's own files (CSS, vendored htmx: no CDN).
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from bedside.settings import Settings
from bedside.store import Store, open_store
from bedside.web import errors, routes
from bedside.web.deps import csrf_protect
from bedside.web.session import SessionCookies, session_key

STATIC_DIR = Path(__file__).parent / "static"


class Stores:
    """The app's one store, opened (and migrated) on first use rather than at import or build
    time, so building the app never touches the database."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._store: Store | None = None
        self._lock = threading.Lock()

    def get(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = open_store(self._settings)
        return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.dispose()
                self._store = None


def discover_routers() -> list[tuple[str, APIRouter]]:
    """(module name, router) for every module in bedside.web.routes that has one, sorted."""
    found = []
    for info in sorted(pkgutil.iter_modules(routes.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{routes.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append((info.name, router))
    return found


def create_app(settings: Settings) -> FastAPI:
    stores = Stores(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()

    app = FastAPI(title="bedside", version="0.1.0", lifespan=lifespan,
                  description="The bedside dashboard's JSON API (paths under /api/).")
    app.state.settings = settings
    app.state.stores = stores
    for _name, router in discover_routers():
        app.include_router(router, dependencies=[Depends(csrf_protect)])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)  # SafeErrors sits inside the session middleware added next
    app.add_middleware(SessionCookies, secret_key=session_key(settings))
    return app
