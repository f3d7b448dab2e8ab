"""Trusted scorer of tiny-lm: never editable, never visible to the training run.

Rebuilds the GPT of model.py from the run's parameters, loads the weights the training run wrote
($AR_ARTIFACT_DIR/model.npz: numpy arrays, no pickles; read-only here) and prints
`METRIC val_bpb=<bits per byte>` on val.txt (AR_EVAL=tune, the default) or on holdout.txt
(AR_EVAL=holdout), text the training run never sees.
"""

import json
import os
import sys
import time

import torch

from model import GPT, WEIGHTS_FILE, encode, evaluate_bpb, load_weights, model_config

TEXTS = {"tune": "val.txt", "holdout": "holdout.txt"}


def fail(message):
    print(f"score.py: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def main():
    started = time.time()
    torch.set_num_threads(1)
    mode = os.environ.get("AR_EVAL", "tune") or "tune"
    if mode not in TEXTS:
        fail(f"AR_EVAL must be one of {', '.join(TEXTS)}, not {mode!r}")
    with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
        params = json.load(f)
    try:
        config = model_config(params)
    except (KeyError, ValueError) as e:
        fail(f"cannot build the model from the parameters: {e}")
    path = os.path.join(os.environ.get("AR_ARTIFACT_DIR", "artifact"), WEIGHTS_FILE)
    if not os.path.isfile(path):
        fail(f"no weights: the training run must write {WEIGHTS_FILE} to $AR_OUTPUT_DIR (model.save_weights)")
    model = GPT(**config)
    try:
        load_weights(model, path)
    except (ValueError, OSError, KeyError) as e:
        fail(f"{WEIGHTS_FILE}: {e}")
    with open(TEXTS[mode], "rb") as f:
        ids = encode(f.read())
    bpb = evaluate_bpb(model, ids, config["seq_len"])
    print(f"tiny-lm scorer: {mode} text {TEXTS[mode]} ({len(ids)} bytes), {time.time() - started:.1f}s")
    print(f"METRIC val_bpb={bpb:.6f}", flush=True)


if __name__ == "__main__":
    main()
