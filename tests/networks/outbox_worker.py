"""A worker process for the outbox's concurrency and kill tests (run as a script, not collected).

    python outbox_worker.py DATA_DIR HANDLE COUNT [--seed N] [--go FILE]

publishes the posts for keys k0..k(COUNT-1), in order or shuffled by --seed, and prints
"key remote_id" after each publish returns: a printed line is a publication the outbox has
confirmed. With --go it prints "ready" and waits for FILE to exist, so that workers start at once.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from bedside.networks import AccountRef, Image, NetworkContext, OutgoingPost, get_network


def text_for(key: str) -> str:
    """The text published under `key`, long enough to span several database pages."""
    return f"post {key}: " + "Flu shots are in this week; book at the front desk. " * 40


def image_for(key: str) -> Image:
    return Image(source=key.encode() * 100, mime="image/png", alt=f"flu clinic hours, {key}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("handle")
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--go", type=Path)
    args = parser.parse_args()
    keys = [f"k{i}" for i in range(args.count)]
    if args.seed is not None:
        random.Random(args.seed).shuffle(keys)
    network = get_network("outbox", NetworkContext(data_dir=args.data_dir))
    account = AccountRef(network="outbox", handle=args.handle)
    if args.go is not None:
        print("ready", flush=True)
        while not args.go.exists():
            time.sleep(0.001)
    for key in keys:
        post = OutgoingPost(text=text_for(key), images=(image_for(key),))
        published = network.publish(account, post, idempotency_key=key)
        print(key, published.remote_id, flush=True)


if __name__ == "__main__":
    main()
