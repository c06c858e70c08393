"""Fit the confidence model (voice/asr/evidence.py) on the tune set's decodes.

`python -m bench --sets tune --systems toe --fit` runs the tune set, then prints the weights,
bias and RAW_CONFIDENT to paste into voice/asr/evidence.py. The test set is never used here.
A logistic regression (plain numpy gradient descent, L2) of "the meaning was right" on the
evidence features, over every decode that was understood at all; RAW_CONFIDENT is the
probability below which TARGET_CAUGHT of the wrong ones fall.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bench.score import meaning_right
from voice.asr.evidence import whisper_evidence

TARGET_CAUGHT = 0.9  # share of wrong meanings that must fall below the threshold
L2 = 1.0
STEPS = 4000
RATE = 0.2


def fit(report: dict[str, Any], caught: float = TARGET_CAUGHT) -> dict[str, Any]:
    """The fitted model and its separation on the data it was fitted on; a feature that never
    varies (e.g. `whisper`, always 1 where Whisper was asked) gets no weight."""
    clips = {c["id"]: c for c in report["clips"]}
    rows: list[dict[str, float]] = []
    right: list[float] = []
    for run in report["systems"]:
        for result in run["results"]:
            clip = clips[result["clip"]]
            verdict = meaning_right(clip["asked"], clip["label"], result)
            if verdict is None or "evidence" not in result or clip["set"] != "tune":
                continue
            evidence = result["evidence"]
            rows.append(whisper_evidence(evidence) if "whisper" in evidence else evidence)
            right.append(1.0 if verdict else 0.0)
    if not rows:
        raise SystemExit("no understood decodes with evidence to fit on")
    names = sorted(rows[0])
    x = np.array([[row.get(n, 0.0) for n in names] for row in rows])
    varies = x.std(axis=0) > 0
    names = [n for n, keep in zip(names, varies, strict=True) if keep]
    x = x[:, varies]
    y = np.array(right)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = (x - mean) / scale
    w, b = np.zeros(len(names)), 0.0
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(xs @ w + b)))
        w -= RATE * (xs.T @ (p - y) / len(y) + L2 * w / len(y))
        b -= RATE * float(np.mean(p - y))
    weights = w / scale  # back to the raw features
    bias = b - float(np.sum(w * mean / scale))
    p = 1 / (1 + np.exp(-(x @ weights + bias)))
    wrong, good = p[y == 0], p[y == 1]
    threshold = float(np.quantile(wrong, caught)) if len(wrong) else 0.5
    return {
        "weights": {n: round(float(v), 4) for n, v in zip(names, weights, strict=True)},
        "bias": round(bias, 4),
        "raw_confident": round(threshold, 4),
        "n_right": len(good),
        "n_wrong": len(wrong),
        "right_confirmed": float(np.mean(good <= threshold)) if len(good) else None,
    }


def main() -> int:
    """`python -m bench.fit RUN_DIR [SYSTEM [CAUGHT]]`: fit on a run's saved decodes (SYSTEM
    as its file is named, e.g. en-whisper_always; CAUGHT the share of wrong meanings the
    threshold must catch, 0.9 by default)."""
    import json
    import sys
    from pathlib import Path

    run_dir = Path(sys.argv[1])
    system = sys.argv[2] if len(sys.argv) > 2 else "en-toe"
    caught = float(sys.argv[3]) if len(sys.argv) > 3 else TARGET_CAUGHT
    manifest = json.loads((run_dir / "manifest.json").read_text())
    lines = (run_dir / f"{system}.jsonl").read_text(encoding="utf-8").splitlines()
    report = {"clips": manifest["clips"], "systems": [{"results": [json.loads(x) for x in lines]}]}
    print(json.dumps(fit(report, caught), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
