# A benchmark with a lucky split, for the held-out re-validation test. The recipe "lucky" exploits a quirk of the
# tuning split: it scores best on the tuning evaluation (AR_EVAL=tune) and worse than the default on the held-out one
# (AR_EVAL=holdout). "honest" is a real improvement on both. Seeded noise (AR_SEED) keeps repeats honest.
import json, os, random

params = json.load(open(os.environ["AR_PARAMS_FILE"]))
split = os.environ.get("AR_EVAL", "tune")
rng = random.Random(int(os.environ.get("AR_SEED", "0")))
tune = {"default": 1.0, "honest": 0.8, "lucky": 0.5, "bad": 1.5}
holdout = {"default": 1.0, "honest": 0.8, "lucky": 1.3, "bad": 1.5}
table = holdout if split == "holdout" else tune if split == "tune" else None
if table is None:
    raise SystemExit(f"unknown AR_EVAL {split!r}")
loss = table[params["recipe"]] + rng.gauss(0, 0.01)
print(f"split={split} recipe={params['recipe']}")
print(f"METRIC loss={loss:.6f}", flush=True)
