#!/usr/bin/python3
"""Merge the C# and Optuna bench JSON files into a markdown table of normalized scores.

score = (best - optimum) / (median best of our random search - optimum); lower is better, 1 = our random search.
Usage: /usr/bin/python3 bench/proposers/combine.py ours.json optuna.json
"""
import json
import sys

OPTIMA = {"branin": 0.397887357729739, "hartmann6": -3.32236801141551}
ORDER = ["gp", "tpe", "random", "optuna-tpe", "optuna-random"]
LABELS = {
    "gp": "AutoResearch gp (GP-EI)",
    "tpe": "AutoResearch tpe",
    "random": "AutoResearch random",
    "optuna-tpe": "Optuna TPESampler",
    "optuna-random": "Optuna RandomSampler",
}


def quantile(values, q):
    s = sorted(values)
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def main():
    docs = [json.load(open(path)) for path in sys.argv[1:]]
    results = {}
    for doc in docs:
        for fname, methods in doc["results"].items():
            results.setdefault(fname, {}).update(methods)
    functions = [f for f in OPTIMA if f in results]
    trials = docs[0]["trials"]
    seeds = docs[0]["seeds"]
    print(f"Normalized score after {trials} trials, {seeds} seeds: median [IQR] of "
          "(best - optimum) / (median best of AutoResearch random - optimum). Lower is better; 1.00 = our random search.\n")
    header = "| Method | " + " | ".join(f"{f} score" for f in functions) + " | " + \
        " | ".join(f"{f} median best" for f in functions) + " |"
    print(header)
    print("|" + "---|" * (1 + 2 * len(functions)))
    for method in ORDER:
        if not all(method in results[f] for f in functions):
            continue
        cells, raw = [], []
        for f in functions:
            opt = OPTIMA[f]
            norm = quantile(results[f]["random"], 0.5) - opt
            scores = [(b - opt) / norm for b in results[f][method]]
            cells.append(f"{quantile(scores, 0.5):.3f} [{quantile(scores, 0.25):.3f}, {quantile(scores, 0.75):.3f}]")
            raw.append(f"{quantile(results[f][method], 0.5):.4f}")
        print(f"| {LABELS[method]} | " + " | ".join(cells) + " | " + " | ".join(raw) + " |")
    latency = {k: v for doc in docs for k, v in doc.get("latency_ms", {}).items()}
    if latency:
        print("\nProposal latency on Hartmann-6 (median of 7 calls; wall clock / process CPU time):\n")
        print("| Method | 50 observations | 100 observations |")
        print("|---|---|---|")
        for method in ("gp", "tpe"):
            cells = [f"{latency[f'{method}@{n}']:.0f} ms / {latency.get(f'{method}@{n}/cpu', float('nan')):.0f} ms"
                     for n in (50, 100) if f"{method}@{n}" in latency]
            print(f"| {method} | " + " | ".join(cells) + " |")
    versions = [doc["optuna_version"] for doc in docs if "optuna_version" in doc]
    if versions:
        print(f"\nOptuna {versions[0]}, default sampler settings.")


if __name__ == "__main__":
    main()
