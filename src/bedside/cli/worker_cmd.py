"""`bedside worker`: publish what is due, reconcile what was left mid-publish."""

from __future__ import annotations

import logging

import click

from bedside.cli.env import Env, pass_env


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Publishing threads in this process (run more processes for more).")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]),
              default="info", show_default=True)
@pass_env
def worker(env: Env, workers: int, log_level: str) -> None:
    """Run the publisher until Ctrl-C: on the embedded default its queue is a SQLite file in
    the data directory; BEDSIDE_QUEUE_URL (redis://… or postgresql://…) shares one queue
    between several worker processes on several machines."""
    from bedside import worker as publisher

    logging.basicConfig(level=log_level.upper(),
                        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    env.store  # migrate before the threads start  # noqa: B018
    publisher.run_worker(env.settings, workers)
