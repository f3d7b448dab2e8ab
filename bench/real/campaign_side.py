"""AutoResearch side of the real-benchmark suite.

  make    write a campaign file for one benchmark and seed: the default team, i.e. the agents (and noise settings)
          of campaigns/demo.yaml, each agent's seed moved to bench_seed * 1000 + its demo seed.
  extract read the campaign's experiments back from the ledger (SQLite) into the same JSON shape as
          optuna_runner.py writes, with the CLI's --json summary and the campaign's answer (the last accepted
          best of its leaderboard, which may be the mean of repeats) alongside.

  python3 campaign_side.py make BENCH_DIR SEED EXPERIMENTS OUT.yaml
  python3 campaign_side.py extract BENCH_DIR SEED DATA_DIR SUMMARY.json OUT.json
"""
import json
import os
import sqlite3
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def make(bench_dir, seed, experiments, out):
    with open(os.path.join(ROOT, "campaigns", "demo.yaml")) as f:
        demo = yaml.safe_load(f)
    with open(os.path.join(bench_dir, "benchmark.yaml")) as f:
        bench = yaml.safe_load(f)
    agents = []
    for i, agent in enumerate(demo["agents"]):
        agent = dict(agent)
        agent["seed"] = seed * 1000 + int(agent.get("seed", i + 1))
        agents.append(agent)
    campaign = {
        "name": f"real-{bench['name']}-s{seed}",
        "goal": f"{bench['metric']['direction']} {bench['metric']['name']} of {bench['name']}",
        "benchmark": os.path.abspath(bench_dir),
        "agents_dir": os.path.join(ROOT, "agents"),
        "max_experiments": experiments,
        "duration": "60m",
        "slots": demo.get("slots", 2),
        "agents": agents,
    }
    for key in ("noise", "weight", "budget"):
        if key in demo:
            campaign[key] = demo[key]
    with open(out, "w") as f:
        yaml.safe_dump(campaign, f, sort_keys=False)


def typed(space, params):
    out = {}
    for name, p in space.items():
        v = params.get(name)
        if v is None:
            continue
        if p["type"] == "float":
            out[name] = float(v)
        elif p["type"] == "int":
            out[name] = int(round(float(v)))
        else:
            out[name] = str(v)
    return out


def extract(bench_dir, seed, data_dir, summary_file, out):
    with open(os.path.join(bench_dir, "benchmark.yaml")) as f:
        bench = yaml.safe_load(f)
    space = bench["parameters"]
    db = sqlite3.connect(os.path.join(data_dir, "autoresearch.db"))
    rows = db.execute("select sequence, agent_id, proposer_name, kind, status, objective, seed, verdict, "
                      "parameters_json, reason from ledger_experiments order by sequence").fetchall()
    trials = []
    for seq, agent, proposer, kind, status, objective, run_seed, verdict, params, reason in rows:
        ok = status == "Succeeded" and objective is not None
        trials.append({"trial": seq, "agent": agent, "proposer": proposer, "kind": kind, "status": "succeeded" if ok
                       else status.lower(), "value": objective if ok else None, "seed": run_seed, "verdict": verdict,
                       "params": typed(space, json.loads(params)), "error": None if ok else (reason or "")[:200]})
    ok = [t["value"] for t in trials if t["value"] is not None]
    best = (min(ok) if bench["metric"]["direction"] == "minimize" else max(ok)) if ok else None
    # The campaign's answer: the last accepted best on its (noise-aware) leaderboard.
    top = db.execute("select objective, runs, parameters_json from ledger_leaderboard order by idx desc limit 1").fetchone()
    answer = {"value": top[0], "runs": top[1], "params": typed(space, json.loads(top[2]))} if top else None
    summary = None
    if os.path.exists(summary_file):
        lines = [line for line in open(summary_file).read().splitlines() if line.startswith("{")]
        summary = json.loads(lines[-1]) if lines else None
    with open(out, "w") as f:
        json.dump({"benchmark": bench["name"], "method": "autoresearch", "seed": seed, "trials": trials, "best": best, "answer": answer,
                   "leaderboard_best": summary.get("best") if summary else None, "summary": summary}, f)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "extract":
        extract(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6])
    else:
        sys.exit(f"unknown command {sys.argv[1]!r}: make or extract")
