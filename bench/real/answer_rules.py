"""Which configuration should a campaign hand back? A counterfactual study on recorded campaigns.

  python3 answer_rules.py BENCH_ROOT RAW_DIR [RAW_DIR ...] [--repeats 5] [--out FILE.json]

For every AutoResearch campaign in the raw folders (bench/real/run.sh's raw/autoresearch-*.json: every run with its
parameters, kind and verdict), several rules pick the configuration the campaign would hand back, using only what the
campaign saw; each picked configuration is then run again on the seeds heldout.py uses (2100000000 + k, none used by a
tuning run), and the mean is what a user of that answer should expect. Rules:

  accepted   the campaign's last accepted best (what it handed back when it was recorded)
  better_mean_rule  the leaderboard's better-mean rule replayed on the record (noise.prefer_better_mean): once a best was
             accepted with confidence, a candidate judged within noise after its confirmation runs whose fresh runs' mean
             beats the current best's mean replaces it (the campaign's later proposals, which would have built on it, are
             those it really made)
  best_seen  the configuration of the single best value seen (Optuna's rule)
  best_mean  the configuration with the best mean over its runs (its own and its repeats)
  shrunk     empirical-Bayes: each configuration's mean shrunk towards the mean of all configurations by its run count,
             with the within-configuration variance from the repeat groups and the between-configuration variance
             from the spread of the means; the best shrunk mean wins

Prints, per benchmark, the median held-out value per rule and the number of campaigns where a rule's answer is better /
worse than `accepted`'s.
"""
import argparse
import glob
import json
import os
import statistics
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from optuna_runner import load_benchmark  # noqa: E402

SEED_BASE = 2100000000
RULES = ["accepted", "better_mean_rule", "best_seen", "best_mean", "shrunk"]


def key(params):
    return json.dumps(params, sort_keys=True)


def groups(run):
    by = {}
    for t in run["trials"]:
        if t["value"] is None or t["status"] != "succeeded" or t["kind"] == "Holdout":
            continue
        by.setdefault(key(t["params"]), []).append(float(t["value"]))
    return by


def pick(run, sign):
    by = groups(run)
    if not by:
        return {}
    out = {}
    if run.get("answer"):
        out["accepted"] = key(run["answer"]["params"])
    out["best_seen"] = min(by, key=lambda k: sign * min(sign * v for v in by[k]))
    out["best_mean"] = min(by, key=lambda k: sign * statistics.fmean(by[k]))
    reps = [v for v in by.values() if len(v) >= 2]
    within = statistics.fmean([statistics.variance(v) for v in reps]) if reps else 0.0
    means = [statistics.fmean(v) for v in by.values()]
    grand = statistics.fmean(means)
    between = max(statistics.pvariance(means) - within * statistics.fmean(1 / len(v) for v in by.values()), 1e-300) if len(means) > 1 else 1e-300

    def shrunk(vs):
        n = len(vs)
        if within <= 0:
            return statistics.fmean(vs)
        w = between / (between + within / n)
        return grand + w * (statistics.fmean(vs) - grand)

    out["shrunk"] = min(by, key=lambda k: sign * shrunk(by[k]))
    if run.get("answer"):
        out["better_mean_rule"] = replay_better_mean(run, sign, by)
    return out


def replay_better_mean(run, sign, by):
    ok = [t for t in run["trials"] if t["value"] is not None and t["status"] == "succeeded" and t["kind"] != "Holdout"]
    best = key(ok[0]["params"]) if ok else None
    confident = False
    for t in ok:
        k = key(t["params"])
        if t["kind"] == "Baseline":
            best = k
        elif t["kind"] == "Proposal" and t["verdict"] == "Accepted":
            best, confident = k, True
        elif t["kind"] == "Proposal" and t["verdict"] == "WithinNoise" and len(by[k]) >= 3 and confident:
            fresh = by[k][1:]
            if sign * statistics.fmean(fresh) < sign * statistics.fmean(by[best]):
                best = k
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench_root")
    ap.add_argument("raw_dirs", nargs="+")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    runs = []
    for d in args.raw_dirs:
        for path in sorted(glob.glob(os.path.join(d, "autoresearch-*.json"))):
            with open(path) as f:
                data = json.load(f)
            data["source"] = path
            runs.append(data)
    cache, rows = {}, []
    for run in runs:
        spec, module = load_benchmark(os.path.join(args.bench_root, run["benchmark"]))
        sign = 1 if spec["metric"]["direction"] == "minimize" else -1
        picks = pick(run, sign)
        by = groups(run)
        row = {"benchmark": run["benchmark"], "seed": run["seed"], "source": run["source"], "sign": sign}
        for rule, k in picks.items():
            ck = (run["benchmark"], k)
            if ck not in cache:
                vals = []
                for r in range(args.repeats):
                    try:
                        vals.append(float(module.evaluate(json.loads(k), SEED_BASE + r)))
                    except Exception:
                        vals.append(None)
                ok = [v for v in vals if v is not None]
                cache[ck] = statistics.fmean(ok) if len(ok) == len(vals) else None
            row[rule] = cache[ck]
            row[rule + "_n"] = len(by[k])
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    for b in sorted({r["benchmark"] for r in rows}):
        rs = [r for r in rows if r["benchmark"] == b]
        sign = rs[0]["sign"]
        line = [b]
        for rule in RULES:
            vals = [r.get(rule) for r in rs if r.get(rule) is not None]
            med = statistics.median(vals) if vals else float("nan")
            better = sum(1 for r in rs if r.get(rule) is not None and r.get("accepted") is not None and sign * r[rule] < sign * r["accepted"] - 1e-12)
            worse = sum(1 for r in rs if r.get(rule) is not None and r.get("accepted") is not None and sign * r[rule] > sign * r["accepted"] + 1e-12)
            line.append(f"{rule} {med:.5g} (+{better}/-{worse})")
        print(" | ".join(line), f"| n={len(rs)}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
