#!/usr/bin/env bash
# Slot utilization and scheduling overhead per experiment: the same short containers (bench/scheduling/short, every run
# sleeps the same time) started N times back to back by K plain loops of DockerSandboxRunner calls, then by a real
# campaign (bench/scheduling/campaign.yaml through the CLI: grains, ledger, proposers, fair-share fleet).
# Prints a Markdown table and writes it to bench/scheduling/results/<timestamp>-<mode>.md.
#   bash bench/scheduling/run.sh [loop|campaign|both] [--experiments 40] [--slots 2] [--seconds 1]
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/images.sh base python >/dev/null
dotnet build src/AutoResearch.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build bench/AutoResearch.Bench.Scheduling -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet run --project bench/AutoResearch.Bench.Scheduling -c Release --no-build -- "$@"
