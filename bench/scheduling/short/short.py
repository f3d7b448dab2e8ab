"""A run of fixed length for measuring scheduling overhead.

Sleeps BENCH_RUN_SECONDS (environment, default 1.0, clamped to [0.1, 10]) and reports (x - 0.3)^2 + (y - 0.7)^2.
The length is deliberately not a declared parameter: proposers would vary it, and every run must be the same
container length so a campaign and a plain loop of the same runs can be compared.
"""
import json
import os
import time

RUN_SECONDS = min(10.0, max(0.1, float(os.environ.get("BENCH_RUN_SECONDS", "1.0"))))

with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
    p = json.load(f)
time.sleep(RUN_SECONDS)
print(f"METRIC value={(p['x'] - 0.3) ** 2 + (p['y'] - 0.7) ** 2}", flush=True)
