#!/usr/bin/env bash
# A throwaway PostgreSQL cluster from Debian's package, for Keycloak runs that need a real shared database: the
# soak benchmark (bench/soak.sh) and the two-node cluster of the integration tests (KeycloakCluster.java).
#   .ci/postgres.sh install                      # apt-get install postgresql when initdb is missing
#   .ci/postgres.sh start <dir> <port> <password> # initdb a fresh cluster in <dir>/data, listen on localhost:<port>,
#                                                # create user and database "keycloak" with that password
#   .ci/postgres.sh stop <dir>                   # stop it (fast shutdown); the log stays in <dir>/postgres.log
# <dir> holds the data directory, the log and the Unix socket. Local (socket) connections are trusted: as root the
# cluster belongs to the postgres user and <dir> is made its own, mode 700, so only that user can enter it; TCP
# connections need the password (scram-sha-256). PostgreSQL refuses to run as root, hence runuser.
# (On a fresh machine Debian's post-install script may also start its default cluster on port 5432: unused here.)
set -euo pipefail

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
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
    if [ -f "$DIR/data/postmaster.pid" ]; then
      as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    mkdir -p "$DIR" && rm -rf "$DIR/data" "$DIR/postgres.log" && chmod 700 "$DIR"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR"; fi
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --no-locale --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w \
      -o "-p $PORT -c listen_addresses=localhost -c unix_socket_directories=$DIR" start >/dev/null
    as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "create user keycloak password '$PASSWORD'" -c "create database keycloak owner keycloak"
    ;;
  stop)
    DIR=${2:?directory}
    if [ -f "$DIR/data/postmaster.pid" ]; then
      as_pg "$(pg_bin)/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    fi
    ;;
  *)
    echo "usage: $0 install | start <dir> <port> <password> | stop <dir>" >&2
    exit 2
    ;;
esac
