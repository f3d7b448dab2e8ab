#!/usr/bin/env bash
# Built-in proposers (portfolio, gp, tpe, cmaes, random) vs Optuna (TPE, TPE multivariate, CMA-ES, random) on eight
# synthetic functions: 50 trials x 20 seeds each, no baseline trial. Writes bench/proposers/results/{ours,optuna}.json
# and table.md. Needs: .NET 10 SDK; Debian's python3-optuna and python3-cmaes
# (apt-get install -y python3-optuna python3-cmaes), run with /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
TRIALS="${TRIALS:-50}"
SEEDS="${SEEDS:-20}"
OUT=bench/proposers/results
mkdir -p "$OUT"
dotnet run --project bench/AutoResearch.Bench.Proposers -c Release -- \
  --trials "$TRIALS" --seeds "$SEEDS" --latency --out "$OUT/ours.json"
/usr/bin/python3 bench/proposers/optuna_bench.py --trials "$TRIALS" --seeds "$SEEDS" --out "$OUT/optuna.json"
/usr/bin/python3 bench/proposers/combine.py "$OUT/ours.json" "$OUT/optuna.json" | tee "$OUT/table.md"
