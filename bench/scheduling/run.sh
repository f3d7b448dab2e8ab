#!/usr/bin/env bash
# Slot utilization and scheduling overhead: the same 2-second containers run N times by a plain loop of K
# concurrent DockerSandboxRunner calls, then by a real campaign (the CLI, grains, ledger, fair-share fleet).
#   bash bench/scheduling/run.sh [--experiments N] [--slots K]
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/images.sh base python >/dev/null
dotnet build AutoResearch.sln -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet run --project bench/AutoResearch.Bench.Scheduling -c Release --no-build -- "$@"
