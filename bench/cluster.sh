#!/usr/bin/env bash
# Cluster benchmark: AssumeRole on node 1 alone vs spread over two nodes, and the time from a revocation on node 1 to
# inactivity at node 2 (see bench/src/main/java/io/github/keycloaksts/bench/load/ClusterBenchmark.java). Two Keycloak
# nodes in production mode (`kc.sh build` once, `kc.sh start --optimized` twice, as docs/operations.md shows) on a
# throwaway PostgreSQL from Debian's package (.ci/postgres.sh, the same script as bench/soak.sh and the cluster ITs).
#   bench/cluster.sh [--seconds 10] [--rounds 3] [--concurrency 8] [--warmup 10] [--trials 100]
# Ports: PostgreSQL 55433; node 1 HTTP 28081, management 29001, JGroups 27801; node 2 28082, 29002, 27802 (all on
# localhost). Both nodes and PostgreSQL are stopped on exit, also on failure; logs in bench/target/cluster-*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_PORT=55433
DB_PASSWORD=keycloak-cluster-bench
for port in $PG_PORT 28081 29001 27801 28082 29002 27802; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then echo "port $port is already in use" >&2; exit 1; fi
done

.ci/postgres.sh install >/dev/null
./mvnw -B -q -pl server,bench -am package -DskipTests
DIST=$(ls -d server/target/keycloak-*/ | head -1)
rm -rf bench/target/cluster-node1 bench/target/cluster-node2
cp -a "$DIST" bench/target/cluster-node1
bench/target/cluster-node1/bin/kc.sh build --db=postgres --health-enabled=true --metrics-enabled=true \
  --event-metrics-user-enabled=true > bench/target/cluster-build.log 2>&1
cp -a bench/target/cluster-node1 bench/target/cluster-node2

RUN=$(mktemp -d /tmp/keycloak-sts-cluster-pg.XXXXXX)
. bench/lib/keycloak.sh
cleanup() {
  kc_stop_all
  .ci/postgres.sh stop "$RUN"
  cp "$RUN/postgres.log" bench/target/cluster-postgres.log 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
.ci/postgres.sh start "$RUN" $PG_PORT "$DB_PASSWORD"

start_node() { # number
  local n=$1
  KC_START_TIMEOUT=300 kc_start "bench/target/cluster-node$n.log" 2808$n 2900$n \
    "bench/target/cluster-node$n/bin/kc.sh" start --optimized --cache=ispn \
    --db-url=jdbc:postgresql://localhost:$PG_PORT/keycloak --db-username=keycloak \
    --hostname=http://localhost:28081 --http-enabled=true --http-port=2808$n --http-management-port=2900$n \
    --cache-embedded-network-bind-address=127.0.0.1 --cache-embedded-network-bind-port=2780$n
}
export KC_DB_PASSWORD=$DB_PASSWORD
start_node 1
start_node 2
grep -h "ISPN000094" bench/target/cluster-node2.log | tail -1 | sed -E 's/.*(ISPN000094)/\1/'

echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'); load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(date -u +%FT%TZ)"
java -cp bench/target/keycloak-sts-bench.jar io.github.keycloaksts.bench.load.ClusterBenchmark \
  --node1 http://localhost:28081 --node2 http://localhost:28082 "$@"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
