"""Scores of the in-process harness: any number of AutoResearch variants against Optuna's samplers.

  python3 inproc_combine.py RAW_DIR [RAW_DIR ...] [--ours autoresearch,after] [--out table.md]

Reads every *.json (runs in the shape of optuna_runner.py) under the RAW_DIRs. Same normalisation as combine.py
(the real bench): per benchmark, 0 = the best value any run of any method reached, 1 = Optuna random's median best;
lower is better. Win probability of an AutoResearch variant against a sampler = P(its best beats the sampler's) over
all seed pairs, ties ½. A run with no successful trial counts as worst.
"""
import argparse
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from combine import quantile  # noqa: E402

INF = float("inf")
OPTUNA = ["optuna-tpe", "optuna-tpe-mv", "optuna-cmaes", "optuna-random"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw", nargs="+")
    ap.add_argument("--ours", default="autoresearch")
    ap.add_argument("--out")
    args = ap.parse_args()
    runs = []
    for folder in args.raw:
        for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
            runs.extend(json.load(open(path))["runs"])
    ours = args.ours.split(",")
    directions = {}
    for b in {r["benchmark"] for r in runs}:
        import yaml
        spec = yaml.safe_load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchmarks", b, "benchmark.yaml")))
        directions[b] = spec["metric"]["direction"]
    methods = ours + [m for m in OPTUNA if any(r["method"] == m for r in runs)]
    lines = ["| benchmark | " + " | ".join(methods) + " |", "|---|" + "--:|" * len(methods)]
    wins = ["| benchmark | variant | " + " | ".join(m for m in methods if m not in ours) + " |",
            "|---|---|" + "--:|" * (len(methods) - len(ours))]
    summary = {}
    for b in sorted(directions):
        sign = 1.0 if directions[b] == "minimize" else -1.0
        per = {m: sorted((r for r in runs if r["benchmark"] == b and r["method"] == m), key=lambda r: r["seed"]) for m in methods}
        per = {m: rs for m, rs in per.items() if rs}
        values = [sign * t["value"] for rs in per.values() for r in rs for t in r["trials"] if t["value"] is not None]
        ref = min(values)
        bests = {m: [sign * r["best"] if r["best"] is not None else INF for r in rs] for m, rs in per.items()}
        scale = statistics.median(bests["optuna-random"]) - ref if bests.get("optuna-random") else 0.0
        if not scale > 0:  # no random runs, or random's median is the best value: the worst best of any run

            scale = max(v for xs in bests.values() for v in xs if v != INF) - ref or 1.0
        cells = []
        summary[b] = {}
        for m in methods:
            s = [(v - ref) / scale if v != INF else INF for v in bests.get(m, [])]
            if not s:
                cells.append("—")
                continue
            summary[b][m] = {"median": quantile(s, 0.5), "q1": quantile(s, 0.25), "q3": quantile(s, 0.75),
                             "seeds": [r["seed"] for r in per[m]]}
            cells.append(f"{quantile(s, 0.5):.3f} [{quantile(s, 0.25):.3f}, {quantile(s, 0.75):.3f}]")
        lines.append(f"| {b} | " + " | ".join(cells) + " |")
        for o in ours:
            row = []
            for m in methods:
                if m in ours:
                    continue
                a, t = bests.get(o, []), bests.get(m, [])
                p = sum((x < y) + 0.5 * (x == y) for x in a for y in t) / (len(a) * len(t)) if a and t else float("nan")
                summary[b].setdefault(o, {})[f"win_{m}"] = p
                row.append(f"{p:.2f}")
            wins.append(f"| {b} | {o} | " + " | ".join(row) + " |")
    text = "\n".join(["Median normalised score [IQR] (0 = best value any run found, 1 = Optuna random's median; lower is better):", ""]
                     + lines + ["", "Win probability of each AutoResearch variant (> 0.5: it beats the sampler):", ""] + wins) + "\n"
    print(text)
    if args.out:
        open(args.out, "w").write(text)
        json.dump(summary, open(os.path.splitext(args.out)[0] + ".json", "w"), indent=1)


if __name__ == "__main__":
    main()
