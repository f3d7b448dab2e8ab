#!/usr/bin/env bash
# In-process real-benchmark harness (proposers only): the default team's proposers (campaigns/demo.yaml) on the
# bench/real objectives without the CLI, Docker, the noise rule or confirmations, against Optuna's samplers on the same
# objectives, seeds and budget. A quick approximation of bench/real/run.sh for iterating on the proposers: about
# 5 minutes of one core for our side (6 benchmarks x 7 seeds x 30 runs), Optuna's side once (cached; about 20 minutes).
#
#   bash bench/real/inproc.sh [--seeds 1,2,3,4,5,6,7] [--experiments 30] [--benchmarks a,b] [--label NAME]
#                             [--set key=value ...] [--campaign FILE] [--optuna-only] [--no-optuna]
#
# --campaign runs another team than campaigns/demo.yaml (e.g. bench/real/inproc/variants/trx.yaml); compare two variants
# seed by seed with bench/real/inproc_paired.py.
#
# Writes bench/real/inproc/raw/{NAME-*.json, optuna-*.json} and bench/real/inproc/table.md (every variant whose raw
# files are there, scored together). Needs the .NET SDK and /usr/bin/python3 with numpy, scikit-learn, PyYAML and
# optuna (Debian: python3-sklearn python3-yaml python3-optuna).
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=1,2,3,4,5,6,7
EXPERIMENTS=30
BENCHMARKS=forest-cancer,gbr-diabetes,knn-digits,mlp-wine,sgd-cancer,svm-digits
LABEL=autoresearch
OPTUNA=1
OURS=1
SETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) SEEDS=$2; shift 2 ;;
    --experiments) EXPERIMENTS=$2; shift 2 ;;
    --benchmarks) BENCHMARKS=$2; shift 2 ;;
    --label) LABEL=$2; shift 2 ;;
    --set) SETS+=(--set "$2"); shift 2 ;;
    --campaign) SETS+=(--campaign "$2"); shift 2 ;;
    --optuna-only) OURS=0; shift ;;
    --no-optuna) OPTUNA=0; shift ;;
    *) echo "inproc.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
PY=${PYTHON:-/usr/bin/python3}
RAW=bench/real/inproc/raw
mkdir -p "$RAW"
if [ "$OPTUNA" = 1 ]; then
  for b in ${BENCHMARKS//,/ }; do
    if ls "$RAW"/optuna-*"$b".json >/dev/null 2>&1; then echo "optuna: $b cached ($(ls "$RAW"/optuna-*"$b".json | paste -sd' ' -))" >&2; continue; fi
    (cd bench/real && nice "$PY" optuna_runner.py "benchmarks/$b" --seeds "$SEEDS" --trials "$EXPERIMENTS" --out "../../$RAW/optuna-$b.json")
  done
fi
if [ "$OURS" = 1 ]; then
  nice dotnet build bench/AutoResearch.Bench.Proposers -c Release -nologo -clp:ErrorsOnly >&2
  nice dotnet run --project bench/AutoResearch.Bench.Proposers -c Release --no-build -- real --seeds "$SEEDS" \
    --experiments "$EXPERIMENTS" --benchmarks "$BENCHMARKS" --label "$LABEL" --out "$RAW" "${SETS[@]}"
fi
OURS_LABELS=$(ls "$RAW" | grep -v '^optuna-' | sed 's/-[a-z]*-[a-z]*\.json$//' | sort -u | paste -sd, -)  # LABEL-<bench>.json
"$PY" bench/real/inproc_combine.py "$RAW" --ours "$OURS_LABELS" --out bench/real/inproc/table.md
