"""`bedside serve`: the web dashboard (uvicorn) with the publisher's worker in a thread."""

from __future__ import annotations

import logging
import threading

import click

from bedside.cli.env import Env, pass_env

log = logging.getLogger(__name__)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 unless a TLS proxy is in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(0, 64), default=2, show_default=True,
              help="Publishing threads in this process; 0 to run `bedside worker` elsewhere.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]),
              default="info", show_default=True)
@pass_env
def serve(env: Env, host: str, port: int, workers: int, log_level: str) -> None:
    """Run the dashboard at http://HOST:PORT until Ctrl-C, publishing what is due meanwhile.
    Data lives where BEDSIDE_DATA_DIR and BEDSIDE_DATABASE_URL say."""
    import uvicorn

    from bedside import worker as publisher
    from bedside.web.app import create_app

    logging.basicConfig(level=log_level.upper(),
                        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    settings = env.settings
    env.store  # migrate before the threads start  # noqa: B018
    stop = threading.Event()
    worker = None
    if workers:
        worker = threading.Thread(target=publisher.run_worker, args=(settings, workers),
                                  kwargs={"stop": stop}, name="publisher", daemon=True)
        worker.start()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host=host, port=port,
                                           log_level=log_level, server_header=False))
    click.echo(f"bedside: open http://{host}:{port} (Ctrl-C to stop)", err=True)
    try:
        server.run()
    finally:
        stop.set()
        if worker is not None:
            worker.join(timeout=30)
