#!/usr/bin/env bash
# Load benchmark: client-credentials vs standard token exchange V2 vs keycloak-sts AssumeRole, against ONE
# Keycloak (the official distribution with our jars, from server/), rounds interleaved. Prints a Markdown table.
#   bench/load.sh [--seconds 10] [--rounds 3] [--concurrency 1,8,32] [--warmup 10]
# Scaling (1 vs 10,000 roles, 1 vs 2,000 trusted principals, before/after 1,000 more accounts), see ScalingBenchmark:
#   bench/load.sh --scaling [--roles 10000] [--principals 2000] [--accounts 1000] [--accounts-minutes 15] [--seconds 10] [--rounds 3] [--concurrency 8]
set -euo pipefail
DRIVER=io.github.keycloaksts.bench.load.LoadBenchmark
DB=dev-mem
if [ "${1:-}" = "--scaling" ]; then
  # 10,000 roles and 1,000 realms do not fit an in-memory H2 inside kc.sh's default 512 MB heap
  DRIVER=io.github.keycloaksts.bench.load.ScalingBenchmark
  DB=dev-file
  export JAVA_OPTS_KC_HEAP="${JAVA_OPTS_KC_HEAP:--Xms1g -Xmx4g}"
  shift
fi
cd "$(dirname "$0")/.."
PORT=${PORT:-18080}
MGMT=${MGMT:-19000}
./mvnw -B -q -pl server,bench -am package -DskipTests
KC_HOME=$(ls -d server/target/keycloak-*/ | head -1)
if [ "$DB" = dev-file ]; then
  # a copy with a fresh file database of its own, never the run command's (server/target/…/data/h2)
  rm -rf bench/target/scaling-keycloak && mkdir -p bench/target && cp -a "$KC_HOME" bench/target/scaling-keycloak
  rm -rf bench/target/scaling-keycloak/data/h2
  KC_HOME=bench/target/scaling-keycloak
fi
LOG=bench/target/load-keycloak.log
mkdir -p bench/target
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  "$KC_HOME/bin/kc.sh" start-dev --http-port=$PORT --http-management-port=$MGMT --db=$DB --health-enabled=true \
  --log-level=warn > "$LOG" 2>&1 &
KC_PID=$!
trap 'kill $KC_PID 2>/dev/null; wait $KC_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$MGMT/health/ready" >/dev/null && break
  sleep 2
done
curl -sf "http://localhost:$MGMT/health/ready" >/dev/null || { echo "Keycloak did not start; see $LOG" >&2; exit 1; }
echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'); $(java -version 2>&1 | head -1); $(date -u +%FT%TZ)"
java -cp bench/target/keycloak-sts-bench.jar "$DRIVER" --server "http://localhost:$PORT" "$@"
