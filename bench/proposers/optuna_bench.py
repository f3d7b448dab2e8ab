#!/usr/bin/python3
"""Optuna baselines on the same synthetic functions and protocol as the C# bench.

Each study starts empty (no baseline trial), runs N trials sequentially; we record the best value. On the noisy
function the study sees value + N(0, 0.1^2) and we record the noiseless value of its best trial (what a user keeps).
Samplers: TPE (default), TPE multivariate, CMA-ES (CmaEsSampler, needs the cmaes package), random.
Usage: /usr/bin/python3 bench/proposers/optuna_bench.py [--trials 50] [--seeds 20] [--functions a,b] [--out file.json]
"""
import argparse
import json
import math
import random
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


def hartmann6_value(x):
    total = 0.0
    for i in range(4):
        inner = sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2 for j in range(6))
        total += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def rosenbrock4(trial):
    return rosenbrock([trial.suggest_float(f"x{i}", -2, 2) for i in range(1, 5)])


def rosenbrock4_std(trial):
    return rosenbrock([trial.suggest_float(f"x{i}", -5, 10) for i in range(1, 5)])


def ackley5(trial):
    x = [trial.suggest_float(f"x{i}", -32.768, 32.768) for i in range(1, 6)]
    d = len(x)
    sq = sum(v * v for v in x) / d
    cs = sum(math.cos(2 * math.pi * v) for v in x) / d
    return -20 * math.exp(-0.2 * math.sqrt(sq)) - math.exp(cs) + 20 + math.e


def levy4(trial):
    x = [trial.suggest_float(f"x{i}", -10, 10) for i in range(1, 5)]
    w = [1 + (v - 1) / 4 for v in x]
    total = math.sin(math.pi * w[0]) ** 2
    for wi in w[:-1]:
        total += (wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2)
    return total + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def styblinski8(trial):
    x = [trial.suggest_float(f"x{i}", -5, 5) for i in range(1, 9)]
    return sum(v ** 4 - 16 * v * v + 5 * v for v in x) / 2


NOISE_SD = 0.1


def make_noisy_hartmann6(seed):
    rng = random.Random(seed * 7919 + 17)

    def objective(trial):
        x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(1, 7)]
        truth = hartmann6_value(x)
        trial.set_user_attr("truth", truth)
        return truth + rng.gauss(0, NOISE_SD)

    return objective


FUNCTIONS = {
    "branin": branin, "hartmann6": hartmann6, "hartmann6-noisy": None, "ackley5": ackley5,
    "rosenbrock4": rosenbrock4, "rosenbrock4-std": rosenbrock4_std, "levy4": levy4, "styblinski8": styblinski8,
}
SAMPLERS = {
    "optuna-tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "optuna-tpe-mv": lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    "optuna-cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed),
    "optuna-random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    parser.add_argument("--samplers", default=",".join(SAMPLERS))
    parser.add_argument("--out")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    results, seconds = {}, {}
    for fname in args.functions.split(","):
        results[fname] = {}
        for sname in args.samplers.split(","):
            make = SAMPLERS[sname]
            start = time.perf_counter()
            bests = []
            for seed in range(args.seeds):
                study = optuna.create_study(direction="minimize", sampler=make(seed))
                noisy = fname == "hartmann6-noisy"
                objective = make_noisy_hartmann6(seed) if noisy else FUNCTIONS[fname]
                study.optimize(objective, n_trials=args.trials)
                bests.append(study.best_trial.user_attrs["truth"] if noisy else study.best_value)
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
