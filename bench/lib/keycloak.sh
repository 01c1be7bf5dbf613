# Starting and stopping one Keycloak for the bench scripts (load.sh, soak.sh, cluster.sh): sourced, not run.
# The integration tests start theirs from Java (integration-tests/…/support/KeycloakServer.java) with the same steps.
#
#   kc_start <log> <http-port> <management-port> <kc.sh> <kc.sh arguments…>
#       starts `<kc.sh> <arguments…>` in the background with the bootstrap admin admin/admin (and KC_DB_PASSWORD if
#       set), waits up to KC_START_TIMEOUT seconds (600) for /health/ready on the management port, and appends the
#       server's PIDs to KC_PIDS and its JVM's to KC_JAVA_PIDS; sets KC_PID, KC_JAVA_PID and KC_START_SECONDS.
#       Exits the script when the server does not come up, naming its log.
#   kc_stop_all
#       stops every server kc_start started (kc.sh passes TERM on to the JVM), kills what is left after 60 s.

KC_PIDS=()
KC_JAVA_PIDS=()

kc_now() { date +%s.%N; }
kc_since() { awk -v a="$1" -v b="$(kc_now)" 'BEGIN { printf "%.1f", b - a }'; }

kc_start() {
  local log=$1 port=$2 mgmt=$3 started
  shift 3
  started=$(kc_now)
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin "$@" > "$log" 2>&1 &
  KC_PID=$!
  KC_PIDS+=("$KC_PID")
  for _ in $(seq 1 "${KC_START_TIMEOUT:-600}"); do
    curl -sf "http://localhost:$mgmt/health/ready" >/dev/null && break
    kill -0 "$KC_PID" 2>/dev/null || break
    sleep 1
  done
  curl -sf "http://localhost:$mgmt/health/ready" >/dev/null || { echo "Keycloak did not start; see $log" >&2; exit 1; }
  KC_START_SECONDS=$(kc_since "$started")
  # kc.sh runs Keycloak as a child, or execs it after re-augmenting: the JVM is whatever listens on the HTTP port.
  KC_JAVA_PID=$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [ -n "$KC_JAVA_PID" ] || { echo "no process listens on port $port; see $log" >&2; exit 1; }
  KC_JAVA_PIDS+=("$KC_JAVA_PID")
}

kc_stop_all() {
  local pid
  for pid in "${KC_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${KC_PIDS[@]}" "${KC_JAVA_PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  for pid in "${KC_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  KC_PIDS=()
  KC_JAVA_PIDS=()
}
