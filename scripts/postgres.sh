#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests, started from the machine's own server binaries.
#
#   scripts/postgres.sh start DIR   initdb + start a server in DIR (a fresh folder), on 127.0.0.1 and a free port, as a
#                                   non-root user; prints the connection string on stdout (also kept in DIR/connection)
#   scripts/postgres.sh stop DIR    stops the server started in DIR and deletes DIR
#   scripts/postgres.sh run CMD...  start in a temp folder, run CMD with AUTORESEARCH_TEST_POSTGRES set, stop (always)
#
# Binaries: $PG_BIN, else `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin, else initdb on PATH.
# Exit status 3 from start: no PostgreSQL server binaries on this machine (callers skip the PostgreSQL tests).
# PostgreSQL refuses to run as root: as root the server runs as $PG_USER (default `postgres`, created when missing).
set -euo pipefail

find_bin() {
  local dir
  if [ -n "${PG_BIN:-}" ]; then
    # An explicit setting wins: a PG_BIN without the binaries means "none here".
    if [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; then echo "$PG_BIN"; return 0; fi
    return 1
  fi
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

free_port() {
  # Ask the kernel for a free loopback port (python3 when present, else probe from 55432 up with bash's /dev/tcp).
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for port in $(seq 55432 55999); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "error: no free port in 55432-55999" >&2
  return 1
}

# Runs a command as the server's user: as root, $PG_USER; otherwise the caller itself.
as_server_user() {
  if [ "$(id -u)" -ne 0 ]; then "$@"; return; fi
  if command -v runuser >/dev/null 2>&1; then
    runuser -u "$PG_USER" -- "$@"
  else
    su -s /bin/sh "$PG_USER" -c "$(printf '%q ' "$@")"
  fi
}

ensure_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  if ! id -u "$PG_USER" >/dev/null 2>&1; then
    echo "postgres.sh: creating system user '$PG_USER' to run the test server (PostgreSQL refuses root)" >&2
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER" 2>/dev/null \
      || adduser --system --no-create-home "$PG_USER" >/dev/null
  fi
}

start() {
  local dir=$1 bin port password
  if ! bin=$(find_bin); then
    echo "postgres.sh: no PostgreSQL server binaries (initdb, pg_ctl) found: set PG_BIN or install postgresql" >&2
    return 3
  fi
  ensure_user
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  port=$(free_port) || return 1
  # Known before anything can start a server, so that stop can end it even when the start is cut short.
  printf '%s\n' "$bin" >"$dir/bindir"
  (umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
  mkdir -p "$dir/data" "$dir/run"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R "$PG_USER" "$dir" || return 1
    # The server user must be able to reach DIR (mktemp makes its folders 0700); others may pass, not list.
    chmod 711 "$dir" || return 1
  fi
  as_server_user "$bin/initdb" -D "$dir/data" -U autoresearch --pwfile="$dir/pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || as_server_user "$bin/initdb" -D "$dir/data" -U autoresearch --pwfile="$dir/pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { echo "postgres.sh: initdb failed:" >&2; cat "$dir/initdb.log" >&2; return 1; }
  rm -f "$dir/pwfile"
  # Loopback only, the socket in DIR (not /var/run/postgresql, which may not exist), enough connections for pooled tests.
  if ! as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir/run -c max_connections=300 -c fsync=off" \
      >/dev/null; then
    echo "postgres.sh: the server did not start on 127.0.0.1:$port:" >&2
    tail -n 30 "$dir/server.log" >&2 || true
    return 1
  fi
  local cs="Host=127.0.0.1;Port=$port;Username=autoresearch;Password=$password;Database=postgres"
  (umask 077 && printf '%s\n' "$cs" >"$dir/connection")
  echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir/data, user $(as_server_user id -un))" >&2
  printf '%s\n' "$cs"
}

stop() {
  local dir=$1 bin
  [ -d "$dir" ] || return 0
  if [ -f "$dir/bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
    bin=$(cat "$dir/bindir")
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

PG_USER=${PG_USER:-postgres}
command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  start)
    [ $# -eq 1 ] || { echo "usage: $0 start DIR" >&2; exit 2; }
    start "$1"
    ;;
  stop)
    [ $# -eq 1 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
    stop "$1"
    ;;
  run)
    [ $# -ge 1 ] || { echo "usage: $0 run COMMAND..." >&2; exit 2; }
    dir=$(mktemp -d "${TMPDIR:-/tmp}/autoresearch-pg.XXXXXX")
    trap 'stop "$dir"' EXIT
    trap 'exit 130' INT TERM
    if cs=$(start "$dir"); then
      export AUTORESEARCH_TEST_POSTGRES="$cs"
    else
      rc=$?
      [ $rc -eq 3 ] || exit $rc
      echo "postgres.sh: running without PostgreSQL: the PostgreSQL tests will be skipped" >&2
    fi
    "$@"
    ;;
  *)
    echo "usage: $0 start DIR | stop DIR | run COMMAND..." >&2
    exit 2
    ;;
esac
