#!/usr/bin/python3
"""Optuna baselines on the same synthetic functions and protocol as the C# bench.

Each study starts empty (no baseline trial), runs N trials sequentially; we record the best value.
Usage: /usr/bin/python3 bench/proposers/optuna_bench.py [--trials 50] [--seeds 10] [--out file.json]
"""
import argparse
import json
import math
import sys
import time

import optuna

HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(trial):
    x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(1, 7)]
    total = 0.0
    for i in range(4):
        inner = sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2 for j in range(6))
        total += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -total


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6}
SAMPLERS = {
    "optuna-tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "optuna-random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--out")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    results, seconds = {}, {}
    for fname, objective in FUNCTIONS.items():
        results[fname] = {}
        for sname, make in SAMPLERS.items():
            start = time.perf_counter()
            bests = []
            for seed in range(args.seeds):
                study = optuna.create_study(direction="minimize", sampler=make(seed))
                study.optimize(objective, n_trials=args.trials)
                bests.append(study.best_value)
            seconds[f"{fname}/{sname}"] = time.perf_counter() - start
            results[fname][sname] = bests
            print(f"{fname:<10} {sname:<14} median best {sorted(bests)[len(bests) // 2]:.6g}", file=sys.stderr)
    doc = {"trials": args.trials, "seeds": args.seeds, "optuna_version": optuna.__version__,
           "results": results, "seconds": seconds}
    text = json.dumps(doc, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
