#!/usr/bin/env bash
# Real-benchmark suite: for each benchmark in bench/real/benchmarks and each seed, one whole AutoResearch campaign of
# the default team (the agents of campaigns/demo.yaml) through the CLI, and Optuna's TPE (default and multivariate),
# CMA-ES and random samplers on the same objective and space, all at the same number of experiments / trials.
# Writes raw JSON and a table to bench/real/results/<timestamp>/ and puts the table into BENCHMARKS.md
# ("Real benchmarks"). At the end, each run's answer (Optuna's best trial, the campaign's last accepted best) is
# re-run with 5 seeds no tuning run used (bench/real/heldout.py), giving a held-out table next to the in-sample one.
#
#   bash bench/real/run.sh [--seeds 1,2,3,4,5] [--experiments 30] [--benchmarks a,b,...] [--jobs 3] [--no-md]
#                          [--start-by HH:MM] [--stagger SECONDS] [--no-build]
# CAMPAIGN_NICE=N (environment, default 10): niceness of the campaign hosts. On a machine where every other process is
# niced too, a host at 10 can starve so long that its first grain call (starting the campaign) passes Orleans' 30 s
# response timeout; 0 lets it start.
# (--no-build: use the CLI as built; every commit changes the assembly version, so a build after a commit
# recompiles every project, which takes minutes on a busy machine)
#
# Needs: Docker with autoresearch/sklearn:latest, the .NET SDK, and a python3 with PyYAML on the host (it writes the
# campaign files and reads the ledger). Optuna runs inside autoresearch/sklearn when that image has it
# (python3-optuna); otherwise with the host's /usr/bin/python3, which then needs the Debian packages python3-optuna
# and python3-sklearn (bookworm: the same numpy 1.24 / scikit-learn 1.2.1 as the image). The log says which.
# --jobs: campaigns run side by side (each on its own 2 slots); Optuna runs in the background meanwhile.
# --start-by HH:MM (UTC): no campaign starts after that time; the ones left out are logged and the table counts the
# seeds each side actually ran (seeds are the outer loop, so whole seeds finish first). A campaign whose host fails
# before it records any experiment (e.g. a grain call timing out on a starved machine) is retried once; --stagger
# (default 10 s) spaces the campaign starts for the same reason.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SEEDS=1,2,3,4,5
EXPERIMENTS=30
BENCHMARKS=""
JOBS=3
MD=1
START_BY=""
STAGGER=10
BUILD=1
CAMPAIGN_NICE=${CAMPAIGN_NICE:-10}
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) SEEDS=$2; shift 2 ;;
    --experiments) EXPERIMENTS=$2; shift 2 ;;
    --benchmarks) BENCHMARKS=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --no-md) MD=0; shift ;;
    --start-by) START_BY=$2; shift 2 ;;
    --stagger) STAGGER=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "run.sh: unknown argument '$1' (--seeds, --experiments, --benchmarks, --jobs, --no-md, --start-by, --stagger, --no-build)" >&2; exit 2 ;;
  esac
done
if [ -z "$BENCHMARKS" ]; then
  BENCHMARKS=$(ls bench/real/benchmarks | paste -sd, -)
fi
IMAGE=autoresearch/sklearn:latest
PY=${PYTHON:-/usr/bin/python3}
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=bench/real/results/$STAMP
WORK=$(mktemp -d "${TMPDIR:-/tmp}/real-bench-XXXXXX")
mkdir -p "$OUT/raw" "$OUT/logs"
chmod 777 "$WORK"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/logs/run.log" >&2; }

docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "run.sh: image $IMAGE is missing (./build.sh images)" >&2; exit 1; }
"$PY" -c 'import yaml' 2>/dev/null || { echo "run.sh: $PY needs PyYAML (apt-get install python3-yaml)" >&2; exit 1; }
if docker run --rm --network none "$IMAGE" python3 -c 'import optuna, yaml' >/dev/null 2>&1; then
  OPTUNA_MODE=docker
  log "Optuna: inside $IMAGE"
elif "$PY" -c 'import optuna, yaml, sklearn' >/dev/null 2>&1; then
  OPTUNA_MODE=host
  log "Optuna: $IMAGE has no optuna; using the host's $PY ($("$PY" -c 'import optuna, sklearn, numpy; print("optuna", optuna.__version__, "sklearn", sklearn.__version__, "numpy", numpy.__version__)'))"
else
  echo "run.sh: no Optuna: neither $IMAGE nor $PY imports optuna (apt-get install python3-optuna python3-sklearn)" >&2; exit 1
fi

if [ "$BUILD" = 1 ]; then
  log "building the CLI"
  nice dotnet build src/AutoResearch.Cli -c Release -nologo -clp:ErrorsOnly >"$OUT/logs/build.log" 2>&1 || { cat "$OUT/logs/build.log" >&2; exit 1; }
else
  log "using the CLI as built ($(ls -l --time-style=+%H:%M src/AutoResearch.Cli/bin/Release/*/autoresearch.dll | awk '{print $6}') UTC; --no-build)"
fi

"$PY" - "$BENCHMARKS" >"$WORK/directions.json" <<'EOF'
import json, sys, yaml
out = {}
for b in sys.argv[1].split(","):
    spec = yaml.safe_load(open(f"bench/real/benchmarks/{b}/benchmark.yaml"))
    out[spec["name"]] = {"direction": spec["metric"]["direction"], "metric": spec["metric"]["name"]}
print(json.dumps(out))
EOF
cp "$WORK/directions.json" "$OUT/directions.json"
git log -1 --format='%H %s' >"$OUT/commit.txt" 2>/dev/null || true
log "benchmarks $BENCHMARKS; seeds $SEEDS; $EXPERIMENTS experiments / trials; $JOBS campaign(s) at a time; results in $OUT"

# Optuna side, in the background: one process per benchmark (all samplers and seeds), the benchmarks side by side.
optuna_one() {
  local b=$1
    if [ "$OPTUNA_MODE" = docker ]; then
      nice docker run --rm --network none --cpus 1 --memory 2g -v "$ROOT/bench/real":/bench:ro -v "$WORK":/out \
        -e XDG_CACHE_HOME=/tmp "$IMAGE" python3 /bench/optuna_runner.py "/bench/benchmarks/$b" --seeds "$SEEDS" \
        --trials "$EXPERIMENTS" --out "/out/optuna-$b.json" 2>>"$OUT/logs/optuna.log"
    else
      nice "$PY" bench/real/optuna_runner.py "bench/real/benchmarks/$b" --seeds "$SEEDS" --trials "$EXPERIMENTS" \
        --out "$WORK/optuna-$b.json" 2>>"$OUT/logs/optuna.log"
    fi
    cp "$WORK/optuna-$b.json" "$OUT/raw/optuna-$b.json"
    echo "[$(date -u +%H:%M:%S)] optuna done: $b" >>"$OUT/logs/run.log"
}
optuna_side() {
  local b pids=()
  for b in ${BENCHMARKS//,/ }; do
    optuna_one "$b" &
    pids+=($!)
  done
  for b in "${pids[@]}"; do wait "$b"; done
}
optuna_side &
OPTUNA_PID=$!

# AutoResearch side: whole campaigns through the CLI.
campaign() {
  local b=$1 s=$2 dir="$WORK/$1-s$2"
  mkdir -p "$dir"
  "$PY" bench/real/campaign_side.py make "bench/real/benchmarks/$b" "$s" "$EXPERIMENTS" "$dir/campaign.yaml"
  local started=$(date +%s) rc=0 attempt
  for attempt in 1 2; do
    rc=0
    rm -rf "$dir/data"
    nice -n "$CAMPAIGN_NICE" dotnet run --project src/AutoResearch.Cli -c Release --no-build -- run "$dir/campaign.yaml" --json --fresh \
      --data "$dir/data" >"$dir/summary.json" 2>"$OUT/logs/campaign-$b-s$s.log" || rc=$?
    if [ "$rc" = 0 ] || [ "$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from ledger_experiments").fetchone()[0])' "$dir/data/autoresearch.db" 2>/dev/null || echo 0)" != 0 ]; then
      break
    fi
    log "campaign $b seed $s: exit $rc before any experiment (attempt $attempt); $([ $attempt = 1 ] && echo retrying || echo giving up)"
    cp "$OUT/logs/campaign-$b-s$s.log" "$OUT/logs/campaign-$b-s$s.attempt$attempt.log"
  done
  "$PY" bench/real/campaign_side.py extract "bench/real/benchmarks/$b" "$s" "$dir/data" "$dir/summary.json" \
    "$OUT/raw/autoresearch-$b-s$s.json"
  cp "$dir/campaign.yaml" "$OUT/logs/campaign-$b-s$s.yaml"
  log "campaign $b seed $s: exit $rc, $(( $(date +%s) - started ))s, best $("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["best"])' "$OUT/raw/autoresearch-$b-s$s.json")"
  rm -rf "$dir/data"
}
for s in ${SEEDS//,/ }; do
  for b in ${BENCHMARKS//,/ }; do
    while [ "$(jobs -rp | grep -vc "^$OPTUNA_PID\$")" -ge "$JOBS" ]; do sleep 1; done
    if [ -n "$START_BY" ] && [ "$(date -u +%H:%M)" \> "$START_BY" ]; then
      log "campaign $b seed $s: not started (past --start-by $START_BY)"
      continue
    fi
    campaign "$b" "$s" &
    sleep "$STAGGER"  # staggered starts: several hosts starting at once on a starved machine time out their first grain call
  done
done
for pid in $(jobs -rp); do [ "$pid" = "$OPTUNA_PID" ] || wait "$pid" || true; done
log "campaigns done; waiting for Optuna"
wait "$OPTUNA_PID"
log "optuna done; re-running each run's answer on held-out seeds"

# Held-out: each run's answer (Optuna's best trial, the campaign's accepted best) re-run on 5 seeds no run used.
mkdir -p "$OUT/heldout"
for b in ${BENCHMARKS//,/ }; do
  if [ "$OPTUNA_MODE" = docker ]; then
    nice docker run --rm --network none --cpus 1 --memory 2g -v "$ROOT/bench/real":/bench:ro -v "$ROOT/$OUT/raw":/raw:ro \
      -v "$WORK":/out -e XDG_CACHE_HOME=/tmp -w /bench "$IMAGE" python3 /bench/heldout.py "/bench/benchmarks/$b" /raw \
      --repeats 5 --out "/out/heldout-$b.json" 2>>"$OUT/logs/heldout.log"
  else
    (cd bench/real && nice "$PY" heldout.py "benchmarks/$b" "$ROOT/$OUT/raw" --repeats 5 --out "$WORK/heldout-$b.json") \
      2>>"$OUT/logs/heldout.log"
  fi
  cp "$WORK/heldout-$b.json" "$OUT/heldout/heldout-$b.json"
done
log "held-out done"

NOTE="Produced by \`bash bench/real/run.sh --seeds $SEEDS --experiments $EXPERIMENTS --jobs $JOBS${START_BY:+ --start-by $START_BY} --stagger $STAGGER\` ($STAMP UTC, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); Optuna run $([ "$OPTUNA_MODE" = docker ] && echo "inside $IMAGE" || echo "with the host's python3 and Debian python3-optuna, since $IMAGE has no optuna")). Raw results: \`$OUT/raw/\`."
ARGS=("$OUT" --directions "$OUT/directions.json" --note "$NOTE")
[ "$MD" = 1 ] && ARGS+=(--benchmarks-md BENCHMARKS.md)
"$PY" bench/real/combine.py "${ARGS[@]}"
rm -rf "$WORK"
log "done: $OUT/table.md"
