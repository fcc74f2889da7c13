#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and local runs (Debian's postgresql package).
#
#   scripts/with-postgres.sh npm test          start a cluster, run the command with
#                                              TEST_DATABASE_URL set, stop and delete the cluster
#   scripts/with-postgres.sh start DIR PORT    start a cluster in DIR on 127.0.0.1:PORT and print its URL
#   scripts/with-postgres.sh stop DIR          stop the cluster in DIR (left on disk)
#   scripts/with-postgres.sh resume DIR        start a stopped cluster in DIR again
#
# Runs initdb/pg_ctl as the postgres user when started as root (PostgreSQL refuses to run as root).
# Install first: apt-get install -y --no-install-recommends postgresql
set -euo pipefail

pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$dir" ]]; then
    echo "PostgreSQL is not installed: apt-get install -y --no-install-recommends postgresql" >&2
    exit 3
  fi
  echo "$dir"
}

as_pg() {
  if [[ "$(id -u)" == "0" ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_cluster() {
  local dir="$1" port="$2" bin
  bin="$(pg_bin)"
  mkdir -p "$dir"
  if [[ "$(id -u)" == "0" ]]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  as_pg "$bin/initdb" -D "$dir" --auth=trust --username=postgres --encoding=UTF8 --no-locale >/dev/null
  resume_cluster "$dir" "$port"
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres zone_test
  echo "postgres://postgres@127.0.0.1:$port/zone_test"
}

resume_cluster() {
  local dir="$1" port="${2:-}" bin
  bin="$(pg_bin)"
  if [[ -n "$port" ]]; then echo "$port" >"$dir/.port"; else port="$(cat "$dir/.port")"; fi
  # Sockets in the cluster's own directory: /var/run/postgresql may not exist or be writable.
  as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
}

stop_cluster() {
  local dir="$1" bin
  bin="$(pg_bin)"
  as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start_cluster "$2" "$3" ;;
  stop) stop_cluster "$2" ;;
  resume) resume_cluster "$2" ;;
  "" | -h | --help)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    dir="$(mktemp -d /tmp/zone-pg-XXXXXX)"
    port="${PGPORT_TEST:-55432}"
    cleanup() { stop_cluster "$dir"; rm -rf "$dir"; }
    trap cleanup EXIT
    export TEST_DATABASE_URL
    TEST_DATABASE_URL="$(start_cluster "$dir" "$port")"
    echo "PostgreSQL $("$(pg_bin)/postgres" --version | awk '{print $3}') for tests at $TEST_DATABASE_URL" >&2
    "$@"
    ;;
esac
