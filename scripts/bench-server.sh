#!/usr/bin/env bash
# Benchmarks dx-mock-server against nginx on loopback and prints the figures (not a test).
#
#   scripts/bench-server.sh            # build release, then measure
#   DURATION=10 THREADS=2 scripts/bench-server.sh
#
# 1. Keep-alive throughput: wrk -t1 -c32 for $DURATION s against POST /system/whoami (with auth), and
#    against nginx answering `return 200` with a small JSON body. Prints both rates and the ratio
#    (target >= 0.60 x nginx, goal 0.75 x).
# 2. Delays: 64 connections, every request delayed 200 ms by a delay fault, for $DURATION s. Prints the
#    rate against the possible 64 / 0.2 s = 320 req/s (target >= 95 %).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/mock-server.bash

DURATION="${DURATION:-5}"
THREADS="${THREADS:-2}"
SCRATCH="${SCRATCH:-.build-release}"
for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "bench-server: $tool is required" >&2; exit 1; }
done

echo "== building dx-mock-server (release)"
swift build -c release --scratch-path "$SCRATCH" --product dx-mock-server 2>&1 | tail -1
BIN="$SCRATCH/release/dx-mock-server"

WORK="$(mktemp -d)"
SERVER_PID=""
NGINX_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() { # host port
  for _ in $(seq 1 200); do
    if python3 -c "import socket,sys; socket.create_connection(('$1',$2),0.2)" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "bench-server: nothing listens on $1:$2" >&2
  exit 1
}

rate() { awk '/^Requests\/sec:/ {print $2}'; }

# --- dx-mock-server
MOCK_SERVER_BIN=$BIN mock_server_start "$WORK" server --threads "$THREADS" --log-level error || exit 1
SERVER_PID=$MOCK_PID
PORT=$MOCK_PORT

# --- nginx with a fixed JSON answer
NGINX_PORT="$(free_port)"
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat >"$WORK/nginx.conf" <<NGINX
$USER_LINE
worker_processes $THREADS;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      default_type application/json;
      return 200 '{"id":"user-alice"}';
    }
  }
}
NGINX
nginx -p "$WORK" -c "$WORK/nginx.conf" &
NGINX_PID=$!
wait_for_port 127.0.0.1 "$NGINX_PORT"

cat >"$WORK/whoami.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer dxmock-token"
LUA

echo "== warm-up"
wrk -t1 -c32 -d1s -s "$WORK/whoami.lua" "http://127.0.0.1:$PORT/system/whoami" >/dev/null
wrk -t1 -c32 -d1s -s "$WORK/whoami.lua" "http://127.0.0.1:$NGINX_PORT/system/whoami" >/dev/null

echo "== keep-alive POST /system/whoami, wrk -t1 -c32 -d${DURATION}s (server threads: $THREADS)"
MOCK_OUT="$(wrk -t1 -c32 -d"${DURATION}s" --latency -s "$WORK/whoami.lua" "http://127.0.0.1:$PORT/system/whoami")"
NGINX_OUT="$(wrk -t1 -c32 -d"${DURATION}s" --latency -s "$WORK/whoami.lua" "http://127.0.0.1:$NGINX_PORT/system/whoami")"
MOCK_RATE="$(echo "$MOCK_OUT" | rate)"
NGINX_RATE="$(echo "$NGINX_OUT" | rate)"
MOCK_P99="$(echo "$MOCK_OUT" | awk '$1=="99%" {print $2}')"
NGINX_P99="$(echo "$NGINX_OUT" | awk '$1=="99%" {print $2}')"
if echo "$MOCK_OUT" | grep -q 'Non-2xx'; then
  echo "bench-server: the mock server answered non-2xx:" >&2
  echo "$MOCK_OUT" >&2
  exit 1
fi
printf 'dx-mock-server: %10.0f req/s  (p99 %s)\n' "$MOCK_RATE" "$MOCK_P99"
printf 'nginx:          %10.0f req/s  (p99 %s)\n' "$NGINX_RATE" "$NGINX_P99"
awk -v m="$MOCK_RATE" -v n="$NGINX_RATE" 'BEGIN {
  r = m / n; printf "ratio:          %10.2f x nginx  (target 0.60, goal 0.75) %s\n", r, (r >= 0.6 ? "OK" : "BELOW TARGET") }'

echo "== 64 connections, each request delayed 200 ms, ${DURATION}s"
curl -sf -X POST "http://127.0.0.1:$PORT/__admin/faults" -H 'Content-Type: application/json' \
  -d '{"match":{"method":"POST","path":"/system/whoami"},"fault":{"type":"delay","ms":200}}' >/dev/null
DELAY_OUT="$(wrk -t1 -c64 -d"${DURATION}s" --timeout 5s -s "$WORK/whoami.lua" "http://127.0.0.1:$PORT/system/whoami")"
DELAY_RATE="$(echo "$DELAY_OUT" | rate)"
awk -v d="$DELAY_RATE" 'BEGIN {
  p = 64 / 0.2; printf "delayed:        %10.1f req/s of a possible %.0f = %.1f %% (target 95 %%) %s\n", d, p, 100 * d / p, (d / p >= 0.95 ? "OK" : "BELOW TARGET") }'
