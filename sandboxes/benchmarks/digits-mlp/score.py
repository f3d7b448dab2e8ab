"""Trusted scorer of digits-mlp: never editable, never visible to the training run.

Reads the training run's predictions ($AR_ARTIFACT_DIR/predictions.json, read-only: {"labels": [...]},
one digit 0-9 per row of x_eval in train_data.npz) and prints `METRIC val_error=<error rate>` on the
validation half of the evaluation pool (AR_EVAL=tune, the default) or on its held-out test half
(AR_EVAL=holdout), which no tuning run is ever scored on. The labels come from scikit-learn's bundled
digits, which only the scorer's image has; the training image has numpy only.

The split (also used by make_data.py to write train_data.npz) is fixed: per digit, a seeded 25% goes
to the evaluation pool, the rest to training; the pool is halved per digit into validation and test
and shuffled, so the training run cannot tell which unlabelled image belongs to which half.
"""

import json
import os
import sys

import numpy as np

DIGITS_PATH = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
SPLIT_SEED = 20240521  # fixed: the split never depends on AR_SEED
POOL_SEED = 20261204
EVAL_FRACTION = 0.25
MAX_PREDICTIONS_BYTES = 1 << 20
MODES = ("tune", "holdout")


def fail(message):
    print(f"score.py: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def load_digits():
    """Pixel values 0..16 (uint8) and labels."""
    if os.path.exists(DIGITS_PATH):
        data = np.loadtxt(DIGITS_PATH, delimiter=",")
        return data[:, :64].astype(np.uint8), data[:, 64].astype(np.int64)
    from sklearn.datasets import load_digits as sk_load
    d = sk_load()
    return d.data.astype(np.uint8), d.target.astype(np.int64)


def splits(y):
    """Training indices, the evaluation pool's indices in the order the training run sees them, and each pool item's half."""
    rng = np.random.default_rng(SPLIT_SEED)
    train_idx, val_idx, test_idx = [], [], []
    for label in range(10):
        idx = rng.permutation(np.flatnonzero(y == label))
        k = int(round(len(idx) * EVAL_FRACTION))
        half = (k + 1) // 2
        val_idx.extend(idx[:half])
        test_idx.extend(idx[half:k])
        train_idx.extend(idx[k:])
    pool = np.concatenate([np.sort(val_idx), np.sort(test_idx)]).astype(np.int64)
    half = np.array(["tune"] * len(val_idx) + ["holdout"] * len(test_idx))
    order = np.random.default_rng(POOL_SEED).permutation(len(pool))
    return np.sort(np.array(train_idx, dtype=np.int64)), pool[order], half[order]


def read_predictions(path, count):
    if not os.path.isfile(path):
        fail(f"no predictions: the training run must write {os.path.basename(path)} to $AR_OUTPUT_DIR "
             f"({{\"labels\": [...]}}, one digit per row of x_eval)")
    if os.path.getsize(path) > MAX_PREDICTIONS_BYTES:
        fail(f"{path} is larger than {MAX_PREDICTIONS_BYTES} bytes")
    try:
        with open(path) as f:
            labels = json.load(f)["labels"]
    except (ValueError, KeyError, TypeError) as e:
        fail(f"{path} is not {{\"labels\": [...]}}: {e}")
    if not isinstance(labels, list) or len(labels) != count:
        fail(f"expected {count} labels (one per row of x_eval), got {len(labels) if isinstance(labels, list) else type(labels).__name__}")
    bad = [v for v in labels if type(v) is not int or not 0 <= v <= 9]
    if bad:
        fail(f"labels must be whole numbers 0-9; found {bad[0]!r}")
    return np.array(labels, dtype=np.int64)


def main():
    mode = os.environ.get("AR_EVAL", "tune") or "tune"
    if mode not in MODES:
        fail(f"AR_EVAL must be one of {', '.join(MODES)}, not {mode!r}")
    _, y = load_digits()
    _, pool, half = splits(y)
    artifact = os.environ.get("AR_ARTIFACT_DIR", "artifact")
    predicted = read_predictions(os.path.join(artifact, "predictions.json"), len(pool))
    chosen = half == mode
    error = float(np.mean(predicted[chosen] != y[pool][chosen]))
    print(f"digits-mlp scorer: {mode} split, {int(chosen.sum())} images, {int((predicted[chosen] != y[pool][chosen]).sum())} wrong")
    print(f"METRIC val_error={error:.6f}", flush=True)


if __name__ == "__main__":
    main()
