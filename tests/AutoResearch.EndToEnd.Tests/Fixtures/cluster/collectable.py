import json, os, time
p = json.load(open(os.environ["AR_PARAMS_FILE"]))
time.sleep(p["seconds"])
loss = (p["x"] - 1.0) ** 2
print(f"METRIC loss={loss}", flush=True)
with open("result.json", "w") as f:
    json.dump({"metrics": {"loss": loss}}, f)
