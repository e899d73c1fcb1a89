"""Train the guard's learned labels (src/bedside/guard/learned.py) and write data/learned.json.

usage: python bench/train_learned.py [--check]
Needs the `train` extra (scikit-learn). Trains one logistic regression per label on the
labelled posts of the corpus (../shared, when present) and of every messy set
(bench/data/messy/*), over learned.features of the guard's normalised text. Each label's
threshold is the lowest probability at which the model, trained without one practice and
judged on that practice (leave one set out), is right at least PRECISION of the time (none:
the label is not given; its figures are then those at the highest threshold tried); those
cross-validated figures are written beside the weights. --check trains and prints, writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from _shared import ROOT, shared_dir  # noqa: E402
from bedside.guard.learned import LABELS, features  # noqa: E402
from bedside.guard.normalize import normalize  # noqa: E402

OUT = ROOT / "src" / "bedside" / "guard" / "data" / "learned.json"
PRECISION = 0.90  # what a learned label must reach on practices it was not trained on
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
C = 1.0  # inverse regularisation: 10 scored within 0.03 F1 of it, leaving one practice out
PRUNE = 1e-3  # weights smaller than this change no decision: left out of the file


def labelled_sets() -> dict[str, list[dict[str, object]]]:
    folders = {p.name: p for p in sorted((ROOT / "bench" / "data" / "messy").glob("*/"))}
    shared = shared_dir()
    if shared is not None:
        folders = {"corpus": shared / "corpus", **folders}
    return {name: [json.loads(x) for x in (folder / "posts.jsonl").read_text().splitlines()
                   if x.strip()] for name, folder in folders.items()}


def view(row: dict[str, object]) -> dict[str, int]:
    """Feature counts: the guard sums a weight for each occurrence (Models.logits)."""
    text = normalize(str(row["text"])).text.text
    return dict(Counter(features(text, str(row.get("kind", "post")),
                                 str(row.get("account", "practice")))))


def fit(x: list[dict[str, int]], y: np.ndarray) -> tuple[DictVectorizer, LogisticRegression]:
    vec = DictVectorizer()
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    model.fit(vec.fit_transform(x), y)
    return vec, model


def prf(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp = int(np.sum(gold & pred))
    precision = tp / max(int(np.sum(pred)), 1)
    recall = tp / max(int(np.sum(gold)), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="print, write nothing")
    args = parser.parse_args()
    sets = labelled_sets()
    rows = [(name, row) for name, rs in sets.items() for row in rs]
    x = [view(row) for _, row in rows]
    groups = np.array([name for name, _ in rows])
    out: dict[str, object] = {
        "source": "logistic regression (scikit-learn) on the labelled posts of "
                  f"{len(sets)} practices: {', '.join(sets)}; bench/train_learned.py",
        "trained": dt.date.today().isoformat(),
        "posts": len(rows),
        "features": "learned.features: words, word pairs, four-letter pieces of words, kind, "
                    "account",
        "labels": {},
    }
    table: dict[str, list[float]] = {}
    for k, label in enumerate(LABELS):
        y = np.array([bool(row["labels"][label]) for _, row in rows])  # type: ignore[index]
        probs = np.zeros(len(rows))
        for name in sets:
            train, test = groups != name, groups == name
            vec, model = fit([x[i] for i in np.flatnonzero(train)], y[train])
            probs[test] = model.predict_proba(vec.transform(
                [x[i] for i in np.flatnonzero(test)]))[:, 1]
        # None: no threshold is right often enough on unseen practices; the label is not given
        threshold = next((t for t in THRESHOLDS if prf(y, probs >= t)[0] >= PRECISION), None)
        precision, recall, f1 = prf(y, probs >= (threshold or THRESHOLDS[-1]))
        vec, model = fit(x, y)
        weights = {f: round(float(w), 4) for f, w in zip(
            vec.get_feature_names_out(), model.coef_[0], strict=True) if abs(w) >= PRUNE}
        for f, w in weights.items():
            table.setdefault(f, [0.0] * len(LABELS))[k] = w
        out["labels"][label] = {  # type: ignore[index]
            "threshold": threshold, "bias": round(float(model.intercept_[0]), 4),
            "cross_validated": {"precision": round(precision, 3), "recall": round(recall, 3),
                                "f1": round(f1, 3), "positives": int(np.sum(y))},
        }
        print(f"{label:15s} threshold {threshold}: leave-one-practice-out P={precision:.3f} "
              f"R={recall:.3f} F1={f1:.3f} ({int(np.sum(y))} positives), "
              f"{len(weights)} weights")
    if not args.check:
        # "weights": feature -> its weight for each label, in the order of "labels"; one
        # feature a line, so the file diffs line by line when the model is trained again.
        head = json.dumps(out, ensure_ascii=False, indent=1)[:-2]
        lines = ",\n".join(f"  {json.dumps(f, ensure_ascii=False)}: {json.dumps(w)}"
                            for f, w in sorted(table.items()))
        OUT.write_text(head + ',\n "weights": {\n' + lines + "\n }\n}\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
