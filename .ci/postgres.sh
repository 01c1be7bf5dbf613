#!/usr/bin/env bash
# A throwaway PostgreSQL cluster from Debian's package, for Keycloak runs that need a real shared database: the
# soak benchmark (bench/soak.sh) and the two-node cluster of the integration tests (KeycloakCluster.java).
#   .ci/postgres.sh install                      # apt-get install postgresql when initdb is missing
#   .ci/postgres.sh start <dir> <port> <password> # initdb a fresh cluster in <dir>/data, listen on localhost:<port>,
#                                                # create user and database "keycloak" with that password
#   .ci/postgres.sh stop <dir>                   # stop it (fast shutdown) and remove it; the log stays in <dir>/postgres.log
#   .ci/postgres.sh selftest                     # start, connect over TCP and stop a cluster whose <dir> lies in a
#                                                # folder only the caller may enter (mode 700), as a clone in /root is
# <dir> holds the data directory, the log and the Unix socket. Local (socket) connections are trusted: as root the
# cluster belongs to the postgres user and its directory is made its own, mode 700, so only that user can enter it;
# TCP connections need the password (scram-sha-256). PostgreSQL refuses to run as root, hence runuser.
# The cluster itself lives in a short directory under /tmp (or $TMPDIR when not root) and <dir> is a symbolic link to
# it: the postgres user cannot reach a <dir> inside a clone that other users may not enter (mode 700, as `mktemp -d`
# makes, or /root), and a Unix socket path longer than 107 bytes is refused. Starting again removes the previous one.
# (On a fresh machine Debian's post-install script may also start its default cluster on port 5432: unused here.)
set -euo pipefail

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Stops the cluster <dir> points to, if one runs there (mode: fast or immediate).
stop_cluster() {
  local real
  real=$(readlink -f "$1" 2>/dev/null || true)
  if [ -n "$real" ] && [ -f "$real/data/postmaster.pid" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$real/data" -m "$2" -w stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  install)
    if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
      SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
      $SUDO apt-get update -qq
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    "$(pg_bin)/postgres" --version
    ;;
  start)
    DIR=${2:?directory}; PORT=${3:?port}; PASSWORD=${4:?password}
    BIN=$(pg_bin)
    [ -x "$BIN/initdb" ] || { echo "PostgreSQL is not installed: run .ci/postgres.sh install" >&2; exit 1; }
    stop_cluster "$DIR" immediate
    if [ -L "$DIR" ]; then rm -rf "$(readlink -f "$DIR")"; fi
    rm -rf "$DIR" && mkdir -p "$(dirname "$DIR")"
    if [ "$(id -u)" -eq 0 ]; then TMP=/tmp; else TMP=${TMPDIR:-/tmp}; fi
    PG=$(mktemp -d "$TMP/kcsts-pg.XXXXXX") && chmod 700 "$PG"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG"; fi
    ln -s "$PG" "$DIR"
    as_pg "$BIN/initdb" -D "$PG/data" -U postgres -E UTF8 --no-locale --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    as_pg "$BIN/pg_ctl" -D "$PG/data" -l "$PG/postgres.log" -w \
      -o "-p $PORT -c listen_addresses=localhost -c unix_socket_directories=$PG" start >/dev/null
    as_pg "$BIN/psql" -h "$PG" -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "create user keycloak password '$PASSWORD'" -c "create database keycloak owner keycloak"
    ;;
  stop)
    DIR=${2:?directory}
    stop_cluster "$DIR" fast
    if [ -L "$DIR" ]; then
      # Only the log stays, in <dir> itself; the cluster's files go.
      PG=$(readlink -f "$DIR") && rm -f "$DIR" && mkdir -p "$DIR"
      cp "$PG/postgres.log" "$DIR/" 2>/dev/null || true
      rm -rf "$PG"
    fi
    ;;
  selftest)
    PRIVATE=$(mktemp -d) && chmod 700 "$PRIVATE"
    DIR="$PRIVATE/clone/integration-tests/target/cluster/postgres"
    PORT=$(( 50000 + RANDOM % 10000 ))
    while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$(( PORT + 1 )); done
    trap '"$0" stop "$DIR" >/dev/null 2>&1 || true; rm -rf "$PRIVATE"' EXIT
    "$0" start "$DIR" "$PORT" selftest-password
    ANSWER=$(PGPASSWORD=selftest-password "$(pg_bin)/psql" -h localhost -p "$PORT" -U keycloak keycloak -Atc "select 40 + 2")
    [ "$ANSWER" = 42 ] || { echo "postgres selftest: unexpected answer '$ANSWER'" >&2; exit 1; }
    "$0" stop "$DIR"
    [ -s "$DIR/postgres.log" ] || { echo "postgres selftest: the log was not kept in $DIR" >&2; exit 1; }
    echo "postgres selftest: a cluster for a clone in a private folder ($(stat -c %a "$PRIVATE"), user $(id -un)) starts, answers and stops"
    ;;
  *)
    echo "usage: $0 install | start <dir> <port> <password> | stop <dir> | selftest" >&2
    exit 2
    ;;
esac
