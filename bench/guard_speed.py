"""Guard speed: posts per second in one process on one core, and p99 latency per 280-char post.

usage: python bench/guard_speed.py [--posts N] [--presidio-posts N]
Uses the labelled corpus (repeated to at least N posts) when ../shared is present, else the
examples. When presidio-analyzer is installed (`pip install -e '.[bench]'`), runs its pattern
recognisers (no NLP model) on the same posts in the same run and prints the ratio.
Targets (issue 2): >= 5,000 posts/s, p99 <= 5 ms, >= 10x Presidio.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import ROOT, shared_dir  # noqa: E402
from bedside.guard import Context, Practice, check, engine, load_practice  # noqa: E402
from bedside.guard.warm import warm_up  # noqa: E402


def corpus() -> tuple[list[tuple[str, Context]], Practice]:
    shared = shared_dir()
    if shared is None:
        practice = load_practice(ROOT / "examples" / "practice.toml")
        texts = [(ROOT / "examples" / "post.txt").read_text().strip()]
        return [(t, Context(network="x", practice=practice)) for t in texts], practice
    practice = load_practice(shared / "corpus" / "practice.toml")
    rows = [json.loads(x) for x in (shared / "corpus" / "posts.jsonl").read_text().splitlines()
            if x.strip()]
    return [(r["text"], Context(network=r["platform"], kind=r["kind"], account=r["account"],
                                practice=practice)) for r in rows], practice


def build() -> str:
    """Whether the install compiled the guard (setup.py) or it runs as plain Python."""
    compiled = engine.__file__ is not None and engine.__file__.endswith(
        sysconfig.get_config_var("EXT_SUFFIX"))
    return "compiled by mypyc" if compiled else "plain Python"


def to_280(texts: list[str]) -> list[str]:
    """Posts of exactly 280 characters, made by joining corpus texts."""
    joined = " ".join(texts)
    return [joined[i:i + 280] for i in range(0, len(joined) - 280, 97)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--presidio-posts", type=int, default=1_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    items, practice = corpus()
    batch = (items * (args.posts // len(items) + 1))[: args.posts]
    warm_up(practice)  # as `bedside check --jsonl` does for a long run: tables built and frozen
    for text, ctx in items:  # and every per-word cache of the corpus filled once
        check(text, ctx)

    started = time.perf_counter()
    for text, ctx in batch:
        check(text, ctx)
    elapsed = time.perf_counter() - started
    rate = len(batch) / elapsed

    posts280 = to_280([t for t, _ in items]) or [(items[0][0] * 280)[:280]]
    ctx280 = Context(network="x", practice=practice)
    lat = []
    for text in (posts280 * (5_000 // len(posts280) + 1))[:5_000]:
        t0 = time.perf_counter_ns()
        check(text, ctx280)
        lat.append((time.perf_counter_ns() - t0) / 1e6)
    lat.sort()
    p50, p99 = statistics.median(lat), lat[int(len(lat) * 0.99) - 1]

    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, one core pinned, guard {build()}")
    print(f"throughput: {len(batch)} posts in {elapsed:.2f} s = {rate:,.0f} posts/s "
          f"(mean {elapsed / len(batch) * 1e6:.0f} us/post; corpus repeated)")
    print(f"latency per 280-character post: p50 {p50:.3f} ms, p99 {p99:.3f} ms "
          f"({len(lat)} posts)")

    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # it tries to fetch a list
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError:
        print("presidio: not installed (pip install -e '.[bench]' to compare)")
        return 0
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "no_op", "models": [{"lang_code": "en", "model_name": "none"}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    sample = batch[: args.presidio_posts]
    for text, _ in sample[:20]:
        engine.analyze(text, language="en")
    started = time.perf_counter()
    for text, _ in sample:
        engine.analyze(text, language="en")
    p_rate = len(sample) / (time.perf_counter() - started)
    started = time.perf_counter()
    for text, ctx in sample:
        check(text, ctx)
    b_rate = len(sample) / (time.perf_counter() - started)
    print(f"presidio-analyzer pattern recognisers (no_op NLP engine): {p_rate:,.0f} posts/s on "
          f"the same {len(sample)} posts; bedside {b_rate:,.0f} posts/s; "
          f"ratio {b_rate / p_rate:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
