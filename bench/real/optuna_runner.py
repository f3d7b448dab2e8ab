"""Optuna side of the real-benchmark suite: the same objective and the same space as the AutoResearch campaign.

For one benchmark folder (benchmark.yaml + objective.py exposing evaluate(params, seed) -> float), runs each
sampler for each seed: trial 0 is the benchmark's defaults (enqueued, the baseline, as in the campaign), then
trials-1 sampled ones. The objective runs in this process (imported once; no container per trial): the values
are those of `python3 objective.py` in the benchmark's image, which has the same Debian numpy / scikit-learn.
A trial whose objective raises (a failing region) is a failed trial and counts toward the trials, as a failed
run counts toward the campaign's experiments. Each trial gets its own seed (AR_SEED on the campaign side):
seed * 1000003 + trial number.

  python3 optuna_runner.py BENCH_DIR --seeds 1,2,3 --trials 30 --samplers tpe,tpe-mv,cmaes,random --out FILE.json
"""
import argparse
import importlib.util
import json
import logging
import os
import sys
import time
import warnings

import optuna
import yaml

SAMPLERS = {
    "tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "tpe-mv": lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    "cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed),
    "random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def load_benchmark(folder):
    with open(os.path.join(folder, "benchmark.yaml")) as f:
        spec = yaml.safe_load(f)
    spec_objective = os.path.join(folder, "objective.py")
    module_spec = importlib.util.spec_from_file_location(f"objective_{spec['name'].replace('-', '_')}", spec_objective)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return spec, module


def suggest(trial, name, p):
    if p["type"] == "float":
        return trial.suggest_float(name, float(p["min"]), float(p["max"]), log=bool(p.get("log", False)))
    if p["type"] == "int":
        return trial.suggest_int(name, int(p["min"]), int(p["max"]), log=bool(p.get("log", False)))
    if p["type"] == "choice":
        return trial.suggest_categorical(name, [str(c) for c in p["choices"]])
    raise ValueError(f"parameter {name}: unknown type {p['type']!r}")


def defaults(space):
    out = {}
    for name, p in space.items():
        if p["type"] == "float":
            out[name] = float(p["default"])
        elif p["type"] == "int":
            out[name] = int(p["default"])
        else:
            out[name] = str(p["default"])
    return out


def run_one(spec, module, sampler_name, seed, trials):
    space = spec["parameters"]
    direction = spec["metric"]["direction"]
    study = optuna.create_study(direction=direction, sampler=SAMPLERS[sampler_name](seed))
    study.enqueue_trial(defaults(space))
    records = []

    def objective(trial):
        params = {name: suggest(trial, name, p) for name, p in space.items()}
        trial_seed = (seed * 1000003 + trial.number) & 0x7FFFFFFF
        started = time.process_time()
        try:
            value = float(module.evaluate(dict(params), trial_seed))
        except Exception as e:  # a failing region: the trial fails, as the campaign's run would
            records.append({"trial": trial.number, "params": params, "value": None, "status": "failed",
                            "error": f"{type(e).__name__}: {e}"[:200], "cpu_s": time.process_time() - started})
            raise
        records.append({"trial": trial.number, "params": params, "value": value, "status": "succeeded",
                        "cpu_s": time.process_time() - started})
        return value

    study.optimize(objective, n_trials=trials, catch=(Exception,))
    try:
        answer = {"value": study.best_trial.value, "runs": 1, "params": dict(study.best_trial.params)}
    except ValueError:  # no trial succeeded
        answer = None
    return records, answer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_dir")
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--samplers", default="tpe,tpe-mv,cmaes,random")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    logging.getLogger("optuna").setLevel(logging.ERROR)
    spec, module = load_benchmark(args.bench_dir)
    runs = []
    for sampler in args.samplers.split(","):
        for seed in [int(s) for s in args.seeds.split(",")]:
            started = time.time()
            records, answer = run_one(spec, module, sampler, seed, args.trials)
            ok = [r["value"] for r in records if r["status"] == "succeeded"]
            best = (min(ok) if spec["metric"]["direction"] == "minimize" else max(ok)) if ok else None
            print(f"{spec['name']} optuna-{sampler} seed {seed}: best {best} "
                  f"({len(ok)}/{len(records)} ok, {time.time() - started:.1f}s)", file=sys.stderr, flush=True)
            runs.append({"benchmark": spec["name"], "method": f"optuna-{sampler}", "seed": seed,
                         "trials": records, "best": best, "answer": answer})
    with open(args.out, "w") as f:
        json.dump({"optuna_version": optuna.__version__, "runs": runs}, f)


if __name__ == "__main__":
    main()
