"""Held-out re-evaluation of each run's answer: the configuration the method would hand back (Optuna: the study's
best trial; AutoResearch: the last accepted best of the campaign's leaderboard) is run again with seeds that no
tuning run used (2100000000 + k, k = 0..n-1), and the mean is its held-out value. On deterministic benchmarks this
equals the in-sample value; on noisy ones it removes the luck of the draw that selected it.

  python3 heldout.py BENCH_DIR RAW_DIR --repeats 5 --out FILE.json
"""
import argparse
import glob
import json
import os
import warnings

from optuna_runner import load_benchmark

SEED_BASE = 2100000000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_dir")
    ap.add_argument("raw_dir")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    spec, module = load_benchmark(args.bench_dir)
    out = []
    for path in sorted(glob.glob(os.path.join(args.raw_dir, "*.json"))):
        with open(path) as f:
            data = json.load(f)
        for run in data["runs"] if "runs" in data else [data]:
            if run["benchmark"] != spec["name"] or not run.get("answer"):
                continue
            values, errors = [], []
            for k in range(args.repeats):
                try:
                    values.append(float(module.evaluate(dict(run["answer"]["params"]), SEED_BASE + k)))
                except Exception as e:  # the answer fails on a fresh seed: counted as failed
                    errors.append(f"{type(e).__name__}: {e}"[:200])
            out.append({"benchmark": spec["name"], "method": run["method"], "seed": run["seed"],
                        "answer": run["answer"], "heldout_values": values, "heldout_errors": errors,
                        "heldout": sum(values) / len(values) if values and not errors else None})
    with open(args.out, "w") as f:
        json.dump({"runs": out}, f)


if __name__ == "__main__":
    main()
