#!/usr/bin/env bash
# Measures what fault matching and the request journal cost on dx-mock-server's hot path (not a test).
#
#   scripts/bench-faults.sh                 # build release (shared scratch .build-release), then measure
#   DURATION=10 RULES=100 scripts/bench-faults.sh
#
# The rules (default 1,000) are a mix of every matcher: path globs with a literal prefix, exact
# paths, query/header/body/object/user criteria, so requests they cannot match show what the rule
# index saves. Target (issue 14): with 1,000 rules, throughput >= 0.9x the no-rule figure, same run.
#
# Runs wrk -t1 -c32 with keep-alive against POST /system/whoami for $DURATION s in four set-ups and
# prints each rate and its ratio to the first (the bare server):
#   1. no journal (--journal-size 0), no fault rules
#   2. the journal on (default 1000 entries, tokens redacted), no fault rules
#   3. no journal, $RULES fault rules that match nothing (every request is checked against all of them)
#   4. the journal on and $RULES non-matching rules
# Then (unless CALLGRIND=0, and when valgrind is installed) counts instructions per whoami under
# callgrind, with no rules and with the $RULES rules: a figure other load on the machine cannot move.
# Then checks the schedule under load: a rule with times=1000 on whoami must fire exactly 1000 times
# across all of wrk's concurrent requests (read back from GET /__admin/faults).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/mock-server.bash

DURATION="${DURATION:-5}"
RULES="${RULES:-1000}"
THREADS="${THREADS:-2}"
SCRATCH="${SCRATCH:-.build-release}"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench-faults: $tool is required" >&2; exit 1; }
done

BIN="${DX_MOCK_SERVER_RELEASE:-$SCRATCH/release/dx-mock-server}"
if [ -z "${DX_MOCK_SERVER_RELEASE:-}" ]; then
  echo "== building dx-mock-server (release)"
  swift build -c release --scratch-path "$SCRATCH" --product dx-mock-server 2>&1 | tail -1
fi
[ -x "$BIN" ] || { echo "bench-faults: no server binary at $BIN" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT

TOKEN="bench-faults-token-0123456789"
cat >"$WORK/whoami.lua" <<LUA
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

python3 - "$RULES" >"$WORK/rules.json" <<'PY'
import json, sys
count = int(sys.argv[1])
rules = []
for i in range(count):
    kind = i % 5
    if kind == 0:
        match = {"method": "POST", "path": "/record-*/describe-%d" % i}
    elif kind == 1:
        match = {"method": "POST", "path": "/project-%d/listFolder" % i, "headers": {"X-Trace": {"matches": "a.*"}}}
    elif kind == 2:
        match = {"method": "POST", "path": "/file-*/close", "body": {"n": i}}
    elif kind == 3:
        match = {"method": "PUT", "path": "/F/upload/*", "query": {"i": str(i)}, "objectID": "file-%d" % i}
    else:
        match = {"method": "POST", "path": "/applet-%d*" % i, "user": "user-bob"}
    rules.append({"match": match, "fault": {"type": "status", "status": 500}})
print(json.dumps({"faults": rules}))
PY

start_server() { # extra flags...
  MOCK_SERVER_BIN=$BIN mock_server_start "$WORK" server --threads "$THREADS" --token "$TOKEN" \
    --log-level error "$@" || exit 1
  SERVER_PID=$MOCK_PID
  PORT=$MOCK_PORT
}

measure() { # label, server flags...
  local label="$1"
  shift
  start_server "$@"
  wrk -t1 -c32 -d1s -s "$WORK/whoami.lua" "http://127.0.0.1:$PORT/system/whoami" >/dev/null
  local out
  out="$(wrk -t1 -c32 -d"${DURATION}s" -s "$WORK/whoami.lua" "http://127.0.0.1:$PORT/system/whoami")"
  if echo "$out" | grep -q 'Non-2xx'; then
    echo "bench-faults: non-2xx answers in '$label':" >&2
    echo "$out" >&2
    exit 1
  fi
  stop_server
  echo "$out" | awk '/^Requests\/sec:/ {print $2}'
}

echo "== keep-alive POST /system/whoami, wrk -t1 -c32 -d${DURATION}s (server threads: $THREADS)"
BASE="$(measure "bare" --journal-size 0)"
JOURNAL="$(measure "journal" --journal-size 1000)"
RULED="$(measure "rules" --journal-size 0 --faults "$WORK/rules.json")"
BOTH="$(measure "journal+rules" --journal-size 1000 --faults "$WORK/rules.json")"
for row in "no journal, no rules:$BASE" "journal, no rules:$JOURNAL" "no journal, $RULES rules:$RULED" \
  "journal, $RULES rules:$BOTH"; do
  awk -v label="${row%%:*}" -v r="${row##*:}" -v b="$BASE" \
    'BEGIN { printf "%-26s %10.0f req/s  %5.2f x bare\n", label ":", r, r / b }'
done
awk -v r="$RULED" -v b="$BASE" -v n="$RULES" 'BEGIN {
  printf "target: %d rules >= 0.90 x no rules (same run): %.2f x %s\n", n, r / b, (r / b >= 0.9 ? "MET" : "NOT MET") }'

callgrind_run() { # requests, extra flags...: total instructions of a server that answered N whoamis
  local n=$1
  shift
  rm -f "$WORK/cg.port"
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$WORK/server-stripped" --port 0 \
    --port-file "$WORK/cg.port" --threads 1 --token "$TOKEN" --journal-size 0 --log-level error "$@" \
    >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do [ -s "$WORK/cg.port" ] && break; sleep 0.1; done
  python3 - "$(cat "$WORK/cg.port")" "$n" "$TOKEN" <<'PY'
import http.client, sys
port, n, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
for _ in range(n):
    c.request("POST", "/system/whoami", body="{}",
              headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    assert r.status == 200, r.status
PY
  kill -INT "$pid"
  wait "$pid" || true
  awk '/^(summary|totals):/ {print $2; exit}' "$WORK/cg.out"
}

if [ "${CALLGRIND:-1}" != "0" ] && command -v valgrind >/dev/null; then
  echo "== callgrind: instructions per keep-alive whoami (1 server thread; 2,500 - 500 requests)"
  # valgrind cannot read the release binary's debug info; a stripped copy runs the same code.
  strip -o "$WORK/server-stripped" "$BIN"
  A1="$(callgrind_run 500)"
  A2="$(callgrind_run 2500)"
  B1="$(callgrind_run 500 --faults "$WORK/rules.json")"
  B2="$(callgrind_run 2500 --faults "$WORK/rules.json")"
  awk -v a1="$A1" -v a2="$A2" -v b1="$B1" -v b2="$B2" -v n="$RULES" 'BEGIN {
    a = (a2 - a1) / 2000; b = (b2 - b1) / 2000
    printf "no rules: %.0f instructions; %d rules: %.0f (%.3f x, so throughput %.2f x: %s)\n", a, n, b, b / a, a / b,
      (a / b >= 0.9 ? "MET" : "NOT MET") }'
fi

echo "== schedule under load: times=1000 on whoami, wrk -t1 -c32 -d2s"
start_server --journal-size 0 --fault "POST /system/whoami status=503 times=1000 id=load"
wrk -t1 -c32 -d2s -s "$WORK/whoami.lua" "http://127.0.0.1:$PORT/system/whoami" >/dev/null
APPLIED="$(curl -sf "http://127.0.0.1:$PORT/__admin/faults/load" |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["applied"], r["matched"])')"
stop_server
echo "$APPLIED" | awk '{ e = ($2 < 1000 ? $2 : 1000)
  printf "applied %d of %d matching requests (expected exactly %d) %s\n", $1, $2, e, ($1 == e ? "OK" : "WRONG") }'
