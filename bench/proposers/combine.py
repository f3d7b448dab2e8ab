#!/usr/bin/python3
"""Merge the C# and Optuna bench JSON files into markdown tables of normalized scores.

score = (best - optimum) / (median best of Optuna's RandomSampler - optimum): 0 = the optimum, 1 = Optuna random
search's median, lower is better. Win probability vs Optuna TPE: the share of (seed, seed) pairs in which the method's
best beats TPE's (ties count half).
Usage: /usr/bin/python3 bench/proposers/combine.py ours.json optuna.json
"""
import json
import sys

OPTIMA = {
    "branin": 0.397887357729739,
    "hartmann6": -3.32236801141551,
    "hartmann6-noisy": -3.32236801141551,
    "ackley5": 0.0,
    "rosenbrock4": 0.0,
    "rosenbrock4-std": 0.0,
    "levy4": 0.0,
    "styblinski8": -39.16616570377142 * 8,
}
LABELS = {
    "branin": "Branin",
    "hartmann6": "Hartmann-6",
    "hartmann6-noisy": "Hartmann-6, noisy (σ 0.1)",
    "ackley5": "Ackley-5",
    "rosenbrock4": "Rosenbrock-4 [-2, 2]",
    "rosenbrock4-std": "Rosenbrock-4 [-5, 10]",
    "levy4": "Levy-4",
    "styblinski8": "Styblinski-Tang-8",
}
ORDER = ["portfolio", "gp", "tpe", "cmaes", "random", "optuna-tpe", "optuna-tpe-mv", "optuna-cmaes", "optuna-random"]
HEAD = {
    "portfolio": "**portfolio**", "gp": "gp", "tpe": "tpe", "cmaes": "cmaes", "random": "random",
    "optuna-tpe": "Optuna TPE", "optuna-tpe-mv": "Optuna TPE mv", "optuna-cmaes": "Optuna CMA-ES", "optuna-random": "Optuna random",
}
OPTUNA = ["optuna-tpe", "optuna-tpe-mv", "optuna-cmaes", "optuna-random"]


def quantile(values, q):
    s = sorted(values)
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def win_probability(a, b):
    wins = sum(1.0 if x < y else 0.5 if x == y else 0.0 for x in a for y in b)
    return wins / (len(a) * len(b))


def main():
    docs = [json.load(open(path)) for path in sys.argv[1:]]
    results = {}
    for doc in docs:
        for fname, methods in doc["results"].items():
            results.setdefault(fname, {}).update(methods)
    functions = [f for f in OPTIMA if f in results and "optuna-random" in results[f]]
    methods = [m for m in ORDER if all(m in results[f] for f in functions)]
    scores = {}
    for f in functions:
        opt = OPTIMA[f]
        norm = quantile(results[f]["optuna-random"], 0.5) - opt
        scores[f] = {m: [(b - opt) / norm for b in results[f][m]] for m in methods}
    trials = docs[0]["trials"]
    seeds = docs[0]["seeds"]
    print(f"Normalized score after {trials} trials, {seeds} seeds per cell: median [IQR] of "
          "(best − optimum) / (Optuna random search's median best − optimum). 0 = optimum, 1 = Optuna random; lower is better. "
          "On the noisy function the best is the noiseless value of the point with the best noisy observation.\n")
    print("| Function | " + " | ".join(HEAD[m] for m in methods) + " |")
    print("|---|" + "---|" * len(methods))
    for f in functions:
        cells = []
        for m in methods:
            s = scores[f][m]
            cells.append(f"{quantile(s, 0.5):.3f} [{quantile(s, 0.25):.3f}, {quantile(s, 0.75):.3f}]")
        print(f"| {LABELS[f]} | " + " | ".join(cells) + " |")
    if "optuna-tpe" in methods:
        print("\nWin probability against Optuna TPE (default settings): P(method's best < TPE's best) over all seed pairs.\n")
        print("| Function | " + " | ".join(HEAD[m] for m in methods if m != "optuna-tpe") + " |")
        print("|---|" + "---|" * (len(methods) - 1))
        for f in functions:
            cells = [f"{win_probability(scores[f][m], scores[f]['optuna-tpe']):.2f}" for m in methods if m != "optuna-tpe"]
            print(f"| {LABELS[f]} | " + " | ".join(cells) + " |")
    if "portfolio" in methods:
        print("\nTarget check (portfolio's median against every Optuna sampler's median; ratio to Optuna TPE's median):\n")
        print("| Function | portfolio | best Optuna sampler | beats all Optuna samplers | portfolio / Optuna TPE |")
        print("|---|---|---|---|---|")
        for f in functions:
            med = {m: quantile(scores[f][m], 0.5) for m in methods}
            rivals = [m for m in OPTUNA if m in med]
            best = min(rivals, key=lambda m: med[m])
            ratio = med["portfolio"] / med["optuna-tpe"] if med.get("optuna-tpe") else float("nan")
            ok = "yes" if all(med["portfolio"] < med[m] for m in rivals) else "**no**"
            print(f"| {LABELS[f]} | {med['portfolio']:.3f} | {HEAD[best]} {med[best]:.3f} | {ok} | {ratio:.2f} |")
    bounds = {k: v for doc in docs for k, v in doc.get("on_bound", {}).items()}
    if bounds:
        print("\nShare of proposals with a parameter exactly on a bound (none of these functions has its optimum on one):\n")
        ours = [m for m in methods if not m.startswith("optuna")]
        print("| Function | " + " | ".join(ours) + " |")
        print("|---|" + "---|" * len(ours))
        for f in functions:
            print(f"| {LABELS[f]} | " + " | ".join(f"{bounds.get(f'{f}/{m}', float('nan')):.0%}" for m in ours) + " |")
    latency = {k: v for doc in docs for k, v in doc.get("latency_ms", {}).items()}
    if latency:
        print("\nProposal latency on Hartmann-6 (median of 7 calls; wall clock / process CPU time):\n")
        print("| Method | 50 observations | 100 observations |")
        print("|---|---|---|")
        for method in ("gp", "tpe", "cmaes", "portfolio"):
            cells = [f"{latency[f'{method}@{n}']:.0f} ms / {latency.get(f'{method}@{n}/cpu', float('nan')):.0f} ms"
                     for n in (50, 100) if f"{method}@{n}" in latency]
            if cells:
                print(f"| {method} | " + " | ".join(cells) + " |")
    versions = [doc["optuna_version"] for doc in docs if "optuna_version" in doc]
    if versions:
        print(f"\nOptuna {versions[0]}; samplers with default settings except TPE mv (multivariate=True).")


if __name__ == "__main__":
    main()
