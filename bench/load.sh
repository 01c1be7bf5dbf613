#!/usr/bin/env bash
# Load benchmark: client-credentials vs standard token exchange V2 vs keycloak-sts AssumeRole, against ONE
# Keycloak (the official distribution with our jars, from server/), rounds interleaved. Prints a Markdown table.
#   bench/load.sh [--seconds 10] [--rounds 3] [--concurrency 1,8,32] [--warmup 10]
#
# Scaling (1 vs 10,000 roles, 1 vs 2,000 trusted principals, 5 vs 1,000 account realms), see ScalingBenchmark:
#   bench/load.sh --scaling [--roles 10000] [--principals 2000] [--accounts 1000] [--seconds 10] [--rounds 3]
#                           [--concurrency 8] [--warmup 30] [--account-keys generated|shared]
# On a copy of the distribution (bench/target/scaling-keycloak) with a fresh file H2 database (dev-file) and a
# 1-4 GB heap (JAVA_OPTS_KC_HEAP), in one command:
#   1. start the server (timed) -> ScalingBenchmark --phase 1: heap after GC of the empty server; benchmark realms,
#      the roles and principals through the admin REST API; warm-up, heap after GC, measured rounds; it writes one
#      realm file per missing account realm (bench/target/scaling-accounts) and its results (scaling-state.json);
#   2. stop the server -> `kc.sh import --dir bench/target/scaling-accounts` into its stopped database (timed: the
#      admin REST API creates realms at 0.3/s past 400 realms, an import is the way to reach 1,000). Most of the
#      import's time is Keycloak generating two RSA-2048 key pairs per new realm; --account-keys shared puts one
#      pre-generated key pair into every file instead (same realms otherwise, a much faster import);
#   3. start it again (timed) -> ScalingBenchmark --phase 2: fresh tokens for the existing benchmark realms, heap
#      after GC, warm-up, heap after GC, measured rounds; then all tables (build times, throughput, ratios to
#      standard V2 per phase and across the restart, heap after GC).
# The heap figures come from `jcmd <pid> GC.run` / `GC.heap_info` on the Keycloak JVM (the process listening on PORT).
# Disk: the H2 file grows to about 5.5 GB during the import of 995 realms (H2 compacts it when the server stops).
# Logs: bench/target/load-keycloak.log (first start), scaling-import.log, scaling-restart.log. The server is stopped
# on exit, also on failure; any failed step ends the script with a non-zero status.
# Ports: PORT (18080) and MGMT (19000) from the environment.
set -euo pipefail
SCALING=
if [ "${1:-}" = "--scaling" ]; then
  SCALING=1
  # 10,000 roles and 1,000 realms do not fit an in-memory H2 inside kc.sh's default 512 MB heap
  export JAVA_OPTS_KC_HEAP="${JAVA_OPTS_KC_HEAP:--Xms1g -Xmx4g}"
  shift
fi
cd "$(dirname "$0")/.."
PORT=${PORT:-18080}
MGMT=${MGMT:-19000}
./mvnw -B -q -pl server,bench -am package -DskipTests
KC_HOME=$(ls -d server/target/keycloak-*/ | head -1)
DB=dev-mem
if [ -n "$SCALING" ]; then
  DB=dev-file
  # a copy with a fresh file database of its own, never the run command's (server/target/…/data/h2)
  rm -rf bench/target/scaling-keycloak && mkdir -p bench/target && cp -a "$KC_HOME" bench/target/scaling-keycloak
  rm -rf bench/target/scaling-keycloak/data/h2
  KC_HOME=bench/target/scaling-keycloak
fi
mkdir -p bench/target

. bench/lib/keycloak.sh
now() { kc_now; }
since() { kc_since "$1"; }

# Starts Keycloak in the background, logging to $1; waits until it is ready; sets JAVA_PID and START_SECONDS. The
# keycloak-sts lifecycle logs its start-up pass over every realm ("keycloak-sts started on N realms in M ms") at INFO.
start_keycloak() {
  kc_start "$1" $PORT $MGMT "$KC_HOME/bin/kc.sh" start-dev --http-port=$PORT --http-management-port=$MGMT --db=$DB \
    --health-enabled=true --log-level=warn,io.github.keycloaksts.lifecycle:info
  JAVA_PID=$KC_JAVA_PID
  START_SECONDS=$KC_START_SECONDS
}

stop_keycloak() {
  kc_stop_all
  JAVA_PID=
}
IMPORT_PID=
cleanup() {
  [ -z "$IMPORT_PID" ] || { kill "$IMPORT_PID" 2>/dev/null || true; wait "$IMPORT_PID" 2>/dev/null || true; }
  stop_keycloak
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_keycloak bench/target/load-keycloak.log
echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'); $(java -version 2>&1 | head -1); $(date -u +%FT%TZ)"
if [ -z "$SCALING" ]; then
  java -cp bench/target/keycloak-sts-bench.jar io.github.keycloaksts.bench.load.LoadBenchmark --server "http://localhost:$PORT" "$@"
  exit 0
fi

DRIVER=(java -cp bench/target/keycloak-sts-bench.jar io.github.keycloaksts.bench.load.ScalingBenchmark --server "http://localhost:$PORT"
  --state bench/target/scaling-state.json --accounts-dir bench/target/scaling-accounts)
FIRST_START=$START_SECONDS
echo "scaling: first start (empty file database) ready in $FIRST_START s, Keycloak JVM pid $JAVA_PID, heap $JAVA_OPTS_KC_HEAP"
"${DRIVER[@]}" --phase 1 --pid "$JAVA_PID" "$@"

stop_keycloak
IMPORTED=$(find bench/target/scaling-accounts -name '*-realm.json' | wc -l)
echo "scaling: importing $IMPORTED account realms with kc.sh import (server stopped), log bench/target/scaling-import.log"
started=$(now)
if [ "$IMPORTED" -gt 0 ]; then
  # --optimized: the build start-dev left in this copy (dev profile, dev-file database); without it kc.sh import would
  # re-augment for the prod profile first (about 20 s here).
  "$KC_HOME/bin/kc.sh" import --optimized --dir bench/target/scaling-accounts --http-management-port=$MGMT \
    > bench/target/scaling-import.log 2>&1 &
  IMPORT_PID=$!
  wait "$IMPORT_PID" || { echo "kc.sh import failed; see bench/target/scaling-import.log" >&2; IMPORT_PID=; exit 1; }
  IMPORT_PID=
fi
IMPORT_SECONDS=$(since "$started")
echo "scaling: $IMPORTED account realms imported in $IMPORT_SECONDS s ($(awk -v n="$IMPORTED" -v s="$IMPORT_SECONDS" 'BEGIN { printf "%.1f", n / s }') realms/s), the whole command"
# Keycloak logs each imported realm: the rate per tenth of them shows whether the import slows down as realms accumulate
awk -v total="$IMPORTED" '
  function at(line,  t) { split(substr(line, 12, 12), t, /[:,]/); return t[1] * 3600 + t[2] * 60 + t[3] + t[4] / 1000 }
  /DirImportProvider.*Importing from directory/ { start = at($0); last = start; next }
  /Realm .* imported/ {
    s = at($0); if (s < last) s += 86400; n++
    step = int(total / 10); if (step < 1) step = 1
    if (n % step == 0 || n == total) { printf "import: %d/%d realms, %.1f realms/s over the last %d\n", n, total, (n - done) / (s - last), n - done; last = s; done = n }
    end = s
  }
  END { if (n > 0) printf "import: %d realms in %.1f s from the first file read to the last realm imported (%.1f realms/s)\n", n, end - start, n / (end - start) }
' bench/target/scaling-import.log

start_keycloak bench/target/scaling-restart.log
echo "scaling: restart ready in $START_SECONDS s, Keycloak JVM pid $JAVA_PID"
"${DRIVER[@]}" --phase 2 --pid "$JAVA_PID" --start-seconds "$FIRST_START" --import-seconds "$IMPORT_SECONDS" --imported "$IMPORTED" \
  --restart-seconds "$START_SECONDS" "$@"
