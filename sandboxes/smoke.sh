#!/usr/bin/env bash
# Runs each benchmark once in its image, locked down as the runner does, and checks
# that it reports its objective; a benchmark with a trusted scorer trains in one
# container and is scored in a second one (only the scorer's files and the training
# run's out/ as artifact/). tiny-lm trains for 5 s only.
#
#   bash sandboxes/smoke.sh [BENCHMARK...]      (default: branin digits-mlp tiny-lm matmul-kernel)
#
# Parameters come from the scripts' own defaults (params.json is '{}'; tiny-lm's lists
# them all, since its scorer rebuilds the model from them); digits-mlp runs 5 epochs to stay quick.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -A IMAGE=([branin]=autoresearch/python:latest [digits-mlp]=autoresearch/python:latest [tiny-lm]=autoresearch/torch:latest [matmul-kernel]=autoresearch/cc:latest)
declare -A COMMAND=([branin]=branin.py [digits-mlp]=train.py [tiny-lm]=train.py [matmul-kernel]=run.py)
declare -A FILES=([branin]=branin.py [digits-mlp]="train.py train_data.npz" [tiny-lm]="train.py model.py train.txt" [matmul-kernel]="run.py harness.c kernel.c")
declare -A SCORER_IMAGE=([digits-mlp]=autoresearch/sklearn:latest [tiny-lm]=autoresearch/torch:latest)
declare -A SCORER_FILES=([digits-mlp]=score.py [tiny-lm]="score.py model.py val.txt holdout.txt")
declare -A OBJECTIVE=([branin]=value [digits-mlp]=val_error [tiny-lm]=val_bpb [matmul-kernel]=gflops)
declare -A PARAMS=([branin]='{}' [digits-mlp]='{"epochs": 5}' [tiny-lm]='{"lr": 0.001, "d_model": 64, "n_layer": 2, "n_head": "4", "dropout": 0.0, "batch_size": 16, "seq_len": 64, "weight_decay": 0.01, "warmup_frac": 0.05}' [matmul-kernel]='{}')
benchmarks=("$@")
[[ ${#benchmarks[@]} -gt 0 ]] || benchmarks=(branin digits-mlp tiny-lm matmul-kernel)
status=0
for b in "${benchmarks[@]}"; do
  [[ -n ${IMAGE[$b]:-} ]] || { echo "smoke: unknown benchmark '$b'" >&2; exit 2; }
  work=$(mktemp -d)
  for f in ${FILES[$b]}; do cp "$HERE/benchmarks/$b/$f" "$work/"; done
  echo "${PARAMS[$b]}" >"$work/params.json"
  chmod -R a+rwX "$work"
  start=$(date +%s.%N)
  if out=$(docker run --rm --network none --read-only --tmpfs /tmp:size=64m --cap-drop ALL \
      --security-opt no-new-privileges -u 1000:1000 --cpus 1 --memory 2g --pids-limit 256 \
      -v "$work":/work -w /work -e AR_PARAMS_FILE=/work/params.json -e AR_SEED=0 \
      -e AR_OUTPUT_DIR=/work/out -e AR_TIME_BUDGET=5 "${IMAGE[$b]}" python3 "${COMMAND[$b]}" 2>&1); then
    if [[ -n ${SCORER_IMAGE[$b]:-} ]]; then
      score=$(mktemp -d)
      for f in ${SCORER_FILES[$b]}; do cp "$HERE/benchmarks/$b/$f" "$score/"; done
      cp "$work/params.json" "$score/"; cp -r "$work/out" "$score/artifact"; chmod -R a+rX "$score"
      out=$(docker run --rm --network none --read-only --tmpfs /tmp:size=64m --cap-drop ALL \
        --security-opt no-new-privileges -u 1000:1000 --cpus 1 --memory 2g --pids-limit 256 \
        -v "$score":/work -w /work -e AR_PARAMS_FILE=/work/params.json -e AR_SEED=0 \
        -e AR_ARTIFACT_DIR=/work/artifact -e AR_EVAL=tune "${SCORER_IMAGE[$b]}" python3 score.py 2>&1 || true)
      rm -rf "$score" 2>/dev/null || true
    fi
    line=$(grep "^METRIC ${OBJECTIVE[$b]}=" <<<"$out" | tail -n1 || true)
    secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    if [[ -n $line ]]; then
      printf 'smoke: %-11s ok   %5ss  %s\n' "$b" "$secs" "$line"
    else
      printf 'smoke: %-11s FAIL no "METRIC %s=" line\n%s\n' "$b" "${OBJECTIVE[$b]}" "$out" >&2
      status=1
    fi
  else
    printf 'smoke: %-11s FAIL exit %s\n%s\n' "$b" "$?" "$out" >&2
    status=1
  fi
  rm -rf "$work" 2>/dev/null || true
done
exit $status
