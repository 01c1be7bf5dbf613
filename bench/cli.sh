#!/usr/bin/env bash
# kcsts start-up, measured: the time to print a cached role token (what kubectl pays on every call) and a freshly
# exchanged one, with the launcher (client/bin/kcsts, class-data sharing) and with a plain `java -jar`. Starts the
# demo accounts (realm-config/) on an in-memory Keycloak and the demo OIDC issuer (tools/DemoOidcIssuer.java, port
# 8090); the role is company-a's ci-deployer, assumed with a web identity token file (AssumeRoleWithOIDC).
#
#   bench/cli.sh [--runs N]        (default 20 runs of each; prints a Markdown table of median and p90 in ms)
set -euo pipefail
RUNS=20
[ "${1:-}" = "--runs" ] && RUNS=$2
cd "$(dirname "$0")/.."
PORT=${PORT:-18080}
MGMT=${MGMT:-19000}
./mvnw -B -q -pl server,client -am package -DskipTests
KC_HOME=$(ls -d server/target/keycloak-*/ | head -1)
mkdir -p bench/target
. bench/lib/keycloak.sh
WORK=$(mktemp -d)
ISSUER_PID=
cleanup() {
  [ -z "$ISSUER_PID" ] || kill "$ISSUER_PID" 2>/dev/null || true
  kc_stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT

kc_start bench/target/cli-keycloak.log $PORT $MGMT "$KC_HOME/bin/kc.sh" start-dev --http-port=$PORT --http-management-port=$MGMT \
  --db=dev-mem --health-enabled=true --import-realm --log-level=warn
java tools/DemoOidcIssuer.java > bench/target/cli-issuer.log 2>&1 &
ISSUER_PID=$!
for _ in $(seq 1 60); do curl -sf http://localhost:8090/ci/jwks >/dev/null && break; sleep 1; done

export HOME=$WORK KCSTS_CACHE_DIR=$WORK/cache
mkdir -p "$WORK/.config/kcsts"
cat > "$WORK/.config/kcsts/config" <<INI
[profile ci]
issuer = http://localhost:$PORT/realms/company-a
role_arn = acs:ram::11223344:role/ci-deployer
web_identity_token_file = $WORK/ci.jwt
role_session_name = bench-cli
INI
new_jwt() {
  curl -sf "http://localhost:8090/ci/token?repository=company-a/shop&ref=refs/heads/main&aud=sts.company-a" \
    | sed 's/.*"value":"\([^"]*\)".*/\1/' > "$WORK/ci.jwt"
}
ms_of() { # runs "$@" once, prints its wall time in ms; fails the script if it fails
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
stats() { sort -n | awk '{ a[NR] = $1 } END { printf "%d | %d", a[int((NR + 1) / 2)], a[int(NR * 0.9 + 0.5)] }'; }

LAUNCHER=client/bin/kcsts
PLAIN=(java -jar client/target/kcsts.jar)
new_jwt
$LAUNCHER token --profile ci > /dev/null   # writes the CDS archive and the first cached token
fresh_launcher=$(for _ in $(seq 1 "$RUNS"); do new_jwt; ms_of $LAUNCHER token --profile ci --force-refresh; done | stats)
cached_launcher=$(for _ in $(seq 1 "$RUNS"); do ms_of $LAUNCHER token --profile ci; done | stats)
fresh_plain=$(for _ in $(seq 1 "$RUNS"); do new_jwt; ms_of "${PLAIN[@]}" token --profile ci --force-refresh; done | stats)
cached_plain=$(for _ in $(seq 1 "$RUNS"); do ms_of "${PLAIN[@]}" token --profile ci; done | stats)

echo "| kcsts token ($RUNS runs each) | median (ms) | p90 (ms) |"
echo "|---|---|---|"
echo "| cached, client/bin/kcsts (CDS) | $cached_launcher |"
echo "| fresh exchange, client/bin/kcsts (CDS) | $fresh_launcher |"
echo "| cached, java -jar | $cached_plain |"
echo "| fresh exchange, java -jar | $fresh_plain |"
