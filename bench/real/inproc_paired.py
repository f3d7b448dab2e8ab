"""Paired comparison of two in-process variants (bench/real/inproc.sh runs), seed by seed.

  python3 inproc_paired.py RAW_DIR VARIANT BASE [--seeds 1-14]

VARIANT and BASE are labels (the LABEL of LABEL-<bench>.json); a comma-separated list merges labels run on different
seeds, e.g. `trx after,after-more` (the default on seeds 1-7 and 8-14).

For every benchmark with both VARIANT-<bench>.json and BASE-<bench>.json under RAW_DIR, pairs the runs by seed and
counts the seeds where VARIANT's best value is better / worse / equal; then the same over all benchmarks together with
a two-sided sign test (ties dropped). Needs no Optuna runs, so a variant can be checked on fresh seeds (say 8-14) that
no earlier decision looked at: with 7 seeds per benchmark, a 5/2 or 2/5 split on one benchmark is what chance gives
about a quarter of the time (measured here: a variant's per-benchmark verdicts flipped between seeds 1-7 and 8-14).
"""
import argparse
import json
import math
import os
import statistics


def best(run, sign):
    values = [sign * t["value"] for t in run["trials"] if t["value"] is not None]
    return min(values) if values else math.inf


def sign_test(wins, losses):
    n = wins + losses
    if n == 0:
        return 1.0
    k = min(wins, losses)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def parse_seeds(text):
    seeds = set()
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds.update(range(int(lo), int(hi) + 1))
        elif part:
            seeds.add(int(part))
    return seeds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("variant")
    ap.add_argument("base")
    ap.add_argument("--seeds", help="only these seeds, e.g. 1-7 or 8,9,10")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    keep = parse_seeds(args.seeds) if args.seeds else None
    total = [0, 0, 0]
    print(f"| benchmark | seeds | {args.variant} better | worse | equal | median best {args.base} | median best {args.variant} |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name in sorted(os.listdir(os.path.join(here, "benchmarks"))):
        groups = [[os.path.join(args.raw, f"{label}-{name}.json") for label in labels.split(",")] for labels in (args.variant, args.base)]
        groups = [[p for p in g if os.path.exists(p)] for g in groups]
        if not all(groups):
            continue
        import yaml
        spec = yaml.safe_load(open(os.path.join(here, "benchmarks", name, "benchmark.yaml")))
        sign = 1.0 if spec["metric"]["direction"] == "minimize" else -1.0
        var, base = ({r["seed"]: best(r, sign) for p in g for r in json.load(open(p))["runs"]} for g in groups)
        seeds = sorted(s for s in set(var) & set(base) if keep is None or s in keep)
        if not seeds:
            continue
        w = sum(var[s] < base[s] for s in seeds)
        l = sum(var[s] > base[s] for s in seeds)
        e = len(seeds) - w - l
        total = [total[0] + w, total[1] + l, total[2] + e]
        mb = sign * statistics.median(base[s] for s in seeds)
        mv = sign * statistics.median(var[s] for s in seeds)
        print(f"| {name} | {len(seeds)} | {w} | {l} | {e} | {mb:.6g} | {mv:.6g} |")
    w, l, e = total
    print(f"| **all** | {w + l + e} | {w} | {l} | {e} | | |")
    print(f"\nsign test (two-sided, ties dropped): p = {sign_test(w, l):.3f}")


if __name__ == "__main__":
    main()
