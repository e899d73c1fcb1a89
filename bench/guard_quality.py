"""Guard quality: the labelled corpus, the messy sets and the presidio-research set, scored by the
shared scorers.

usage: python bench/guard_quality.py [--misses]
Runs the guard exactly as `bedside check --jsonl --practice practice.toml` does, writes the
predictions to a temporary folder and prints what ../shared/tools/score_*.py say. The messy sets
(bench/data/messy/*/: other practices, messier language; see its README) and the fresh sets
(bench/data/fresh/*/: the unseen test, scores only) are scored with the same corpus scorer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import ROOT, shared_dir  # noqa: E402
from bedside.guard import Context, Practice, check, load_practice  # noqa: E402


def predict(lines: list[dict[str, object]], practice: Practice) -> list[str]:
    out = []
    for obj in lines:
        ctx = Context(network=obj.get("platform"), kind=obj.get("kind", "post"),  # type: ignore[arg-type]
                      account=obj.get("account", "practice"), practice=practice)  # type: ignore[arg-type]
        out.append(json.dumps({"id": obj["id"], **check(str(obj["text"]), ctx).to_dict()}))
    return out


def score_set(folder: Path, tools: Path, tmp: Path, extra: list[str],
              title: str = "messy set") -> None:
    """One labelled set (posts.jsonl with its practice.toml), scored as the corpus is."""
    gold = folder / "posts.jsonl"
    rows = [json.loads(x) for x in gold.read_text().splitlines() if x.strip()]
    out = tmp / f"{folder.name}.jsonl"
    out.write_text("\n".join(predict(rows, load_practice(folder / "practice.toml"))) + "\n")
    print(f"\n== {title} {folder.name}: {len(rows)} posts")
    subprocess.run([sys.executable, str(tools / "score_corpus.py"), str(gold), str(out), *extra],
                   check=False)


def main() -> int:
    shared = shared_dir()
    if shared is None:
        print("guard_quality: ../shared not found (set BEDSIDE_SHARED); nothing to measure")
        return 0
    tools = shared / "tools"
    tmp = Path(tempfile.mkdtemp(prefix="bedside-quality-"))
    extra = ["--misses"] if "--misses" in sys.argv else []

    gold = shared / "corpus" / "posts.jsonl"
    practice = load_practice(shared / "corpus" / "practice.toml")
    rows = [json.loads(x) for x in gold.read_text().splitlines() if x.strip()]
    started = time.perf_counter()
    (tmp / "corpus.jsonl").write_text("\n".join(predict(rows, practice)) + "\n")
    print(f"== corpus: {len(rows)} posts ({time.perf_counter() - started:.2f} s)")
    subprocess.run([sys.executable, str(tools / "score_corpus.py"), str(gold),
                    str(tmp / "corpus.jsonl"), *extra], check=False)

    for folder in sorted((ROOT / "bench" / "data" / "messy").glob("*/")):
        score_set(folder, tools, tmp, extra)
    # The unseen test (bench/data/fresh/README.md): scores only, never its misses.
    for folder in sorted((ROOT / "bench" / "data" / "fresh").glob("*/")):
        score_set(folder, tools, tmp, [], title="fresh set")

    synth = shared / "external" / "presidio-research" / "synth_dataset_v2.json"
    records = json.loads(synth.read_text())
    inputs = [{"id": f"s{i:04d}", "text": r["full_text"]} for i, r in enumerate(records)]
    started = time.perf_counter()
    (tmp / "synth.jsonl").write_text("\n".join(predict(inputs, Practice())) + "\n")
    print(f"\n== presidio-research synth_dataset_v2: {len(inputs)} sentences "
          f"({time.perf_counter() - started:.2f} s)")
    subprocess.run([sys.executable, str(tools / "score_synth.py"), str(synth),
                    str(tmp / "synth.jsonl")], check=False)
    print(f"\npredictions in {tmp}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
