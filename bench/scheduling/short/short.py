"""A run of fixed length: sleeps RUN_SECONDS, then reports (x - 0.3)^2 + (y - 0.7)^2."""
import json
import os
import time

RUN_SECONDS = 2.0

with open(os.environ.get("AR_PARAMS_FILE", "params.json")) as f:
    p = json.load(f)
time.sleep(RUN_SECONDS)
print(f"METRIC value={(p['x'] - 0.3) ** 2 + (p['y'] - 0.7) ** 2}", flush=True)
