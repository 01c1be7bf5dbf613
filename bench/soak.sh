#!/usr/bin/env bash
# Soak benchmark: keycloak-sts AssumeRole at a fixed rate for minutes against ONE Keycloak in production mode
# (`kc.sh start`, the official distribution with our jars, from server/) on a throwaway PostgreSQL cluster from
# Debian's package. Heap after a full GC, thread count and the row count of every table are compared before and
# after; prints Markdown (see bench/src/main/java/io/github/keycloaksts/bench/load/SoakBenchmark.java).
#   bench/soak.sh [--minutes 10] [--rate 40] [--warmup 30] [--interval 30] [--workers 64]
# Ports: PostgreSQL 55432 (localhost only), Keycloak 28080 (HTTP) and 29000 (management). The cluster and Keycloak
# are stopped and removed on exit, also on failure; their logs stay in bench/target/soak-*.log.
# Keycloak runs from a copy of the distribution (bench/target/soak-keycloak): `start` re-augments it for PostgreSQL,
# which must not touch the copy that other scripts (load.sh, -Prun) use. JAVA_OPTS_KC_HEAP reaches kc.sh unchanged
# (its default outside a container: -Xms64m -Xmx512m).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_PORT=55432
PORT=28080
MGMT=29000
DB_PASSWORD=keycloak-soak
LOG=bench/target/soak-keycloak.log
PG_LOG=bench/target/soak-postgres.log

for port in $PG_PORT $PORT $MGMT; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then echo "port $port is already in use" >&2; exit 1; fi
done

# PostgreSQL from Debian's package, run by the same script as the cluster integration tests' database.
.ci/postgres.sh install >/dev/null
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

./mvnw -B -q -pl server,bench -am package -DskipTests
KC_HOME=bench/target/soak-keycloak
rm -rf "$KC_HOME"
cp -a "$(ls -d server/target/keycloak-*/ | head -1)" "$KC_HOME"

RUN=$(mktemp -d /tmp/keycloak-sts-soak-pg.XXXXXX)   # data directory, log and socket (.ci/postgres.sh)
. bench/lib/keycloak.sh
cleanup() {
  kc_stop_all
  .ci/postgres.sh stop "$RUN"
  cp "$RUN/postgres.log" "$PG_LOG" 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

.ci/postgres.sh start "$RUN" $PG_PORT "$DB_PASSWORD"

export KC_DB_PASSWORD=$DB_PASSWORD
KC_START_TIMEOUT=300 kc_start "$LOG" $PORT $MGMT "$KC_HOME/bin/kc.sh" start --db=postgres \
  --db-url=jdbc:postgresql://localhost:$PG_PORT/keycloak --db-username=keycloak \
  --http-enabled=true --hostname-strict=false --http-port=$PORT --http-management-port=$MGMT \
  --health-enabled=true --metrics-enabled=true
JAVA_PID=$KC_JAVA_PID

echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'); $(java -version 2>&1 | head -1); $("$PG_BIN/postgres" --version); $(date -u +%FT%TZ)"
java -cp bench/target/keycloak-sts-bench.jar io.github.keycloaksts.bench.load.SoakBenchmark --server "http://localhost:$PORT" \
  --pid "$JAVA_PID" --jdbc "jdbc:postgresql://localhost:$PG_PORT/keycloak" --db-user keycloak --db-password "$DB_PASSWORD" "$@"
echo
echo "Keycloak log ($LOG): $(grep -cE ' (WARN|ERROR) ' "$LOG" || true) WARN/ERROR lines; by message:"
grep -E ' (WARN|ERROR) ' "$LOG" | sed -E 's/^[^ ]+ [^ ]+ +//; s/ \([^)]*\)//' | cut -c1-160 | sort | uniq -c | sort -rn | head -10 || true
echo "end: $(date -u +%FT%TZ)"
