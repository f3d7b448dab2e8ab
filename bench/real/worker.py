"""A long-lived objective worker for the in-process harness (bench/AutoResearch.Bench.Proposers `real`).

Imports one benchmark's objective.py once and answers JSON lines on stdin, one per evaluation:
  {"params": {"name": "value as text", ...}, "seed": 123}  ->  {"value": 0.123}  or  {"error": "ValueError: ..."}
Parameters arrive as the campaign stores them (text) and are typed by benchmark.yaml, as the sandbox's params.json is.
An objective that raises is a failed run (a failing region), answered as an error; the worker keeps going.

  python3 worker.py BENCH_DIR
"""
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optuna_runner import load_benchmark  # noqa: E402  (same loader as the Optuna side)


def typed(space, params):
    out = {}
    for name, p in space.items():
        v = params.get(name, p["default"])
        if p["type"] == "float":
            out[name] = float(v)
        elif p["type"] == "int":
            out[name] = int(round(float(v)))
        else:
            out[name] = str(v)
    return out


def main():
    warnings.simplefilter("ignore")
    spec, module = load_benchmark(sys.argv[1])
    space = spec["parameters"]
    out = sys.stdout
    sys.stdout = sys.stderr  # an objective that prints must not corrupt the protocol
    out.write(json.dumps({"ready": spec["name"], "direction": spec["metric"]["direction"]}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            value = float(module.evaluate(typed(space, request["params"]), int(request["seed"])))
            answer = {"value": value} if value == value and abs(value) != float("inf") else {"error": f"non-finite objective {value}"}
        except Exception as e:  # a failing region
            answer = {"error": f"{type(e).__name__}: {e}"[:200]}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
