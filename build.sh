#!/usr/bin/env bash
# AutoResearch build entry point.
#   ./build.sh demo    install what is missing, build images and code, run campaigns/demo.yaml (--json summary)
#   ./build.sh test    install what is missing (Docker, Chromium), build images and code, start a throw-away
#                      PostgreSQL from the machine's server binaries (scripts/postgres.sh), run every test
#   ./build.sh images  build (or reuse cached) sandbox images only
#   ./build.sh serve   install what is missing, build images and code, serve the web console on http://127.0.0.1:5080
set -euo pipefail
cd "$(dirname "$0")"

CONFIG=${CONFIG:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

need_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH." >&2
    exit 1
  fi
}

images() {
  say "sandbox images: $*"
  bash scripts/images.sh "$@"
}

# A throw-away PostgreSQL (loopback, free port, non-root user, temp data folder) for the PostgreSQL tests: exports
# AUTORESEARCH_TEST_POSTGRES and stops the server on exit. Without server binaries the run goes on, saying those tests skip.
postgres() {
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/autoresearch-pg.XXXXXX")
  trap 'bash scripts/postgres.sh stop "$PG_DIR"' EXIT
  trap 'exit 130' INT TERM
  say "PostgreSQL for the PostgreSQL tests"
  local cs rc=0
  cs=$(bash scripts/postgres.sh start "$PG_DIR") || rc=$?
  if [ $rc -eq 0 ]; then
    export AUTORESEARCH_TEST_POSTGRES="$cs"
  elif [ $rc -eq 3 ]; then
    say "no PostgreSQL server binaries on this machine: the PostgreSQL tests will be SKIPPED (install postgresql or set PG_BIN)"
  else
    echo "error: the test PostgreSQL server did not start (see above)" >&2
    exit 1
  fi
}

browser() {
  say "headless browser for the browser tests"
  bash scripts/browser.sh
}

build() {
  need_dotnet
  say "building AutoResearch.sln ($CONFIG)"
  dotnet build AutoResearch.sln -c "$CONFIG" -nologo -clp:ErrorsOnly
}

target=${1:-help}
[ $# -gt 0 ] && shift
case "$target" in
  images)
    images "$@"
    ;;
  demo)
    images base python sklearn
    build
    say "running campaigns/demo.yaml (data in ${AUTORESEARCH_DATA:-./.autoresearch})"
    dotnet run --project src/AutoResearch.Cli -c "$CONFIG" --no-build -- run campaigns/demo.yaml --json "$@"
    ;;
  test)
    images
    browser
    build
    if [ -n "${AUTORESEARCH_TEST_POSTGRES:-}" ]; then
      say "PostgreSQL tests use the server in AUTORESEARCH_TEST_POSTGRES"
    else
      postgres
    fi
    say "running tests"
    mkdir -p TestResults
    # One test project at a time: the Docker and end-to-end tests need the two cores to themselves. A test that hangs
    # (one did once in the grains tests) is killed after 20 minutes and named, instead of holding the run until CI gives up.
    dotnet test AutoResearch.sln -c "$CONFIG" --no-build -nologo -m:1 \
      --blame-hang-timeout 20m --blame-hang-dump-type none \
      --logger "console;verbosity=normal" --logger "trx" --results-directory TestResults "$@"
    ;;
  serve)
    images
    build
    say "web console on ${URLS:-http://127.0.0.1:5080} (data in ${AUTORESEARCH_DATA:-./.autoresearch}); sign in with the admin password"
    dotnet run --project src/AutoResearch.Cli -c "$CONFIG" --no-build -- serve --urls "${URLS:-http://127.0.0.1:5080}" "$@"
    ;;
  help|-h|--help)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    echo "unknown target '$target' (demo | test | images | serve)" >&2
    exit 2
    ;;
esac
