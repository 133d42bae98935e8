#!/usr/bin/env bash
# Drift check of the committed fixtures (cassettes/*.dxcassette): each is verified with
# `dxcassette verify --against` a fresh `dx-mock-server --seed 1` (the server the fixtures were recorded
# from, see scripts/record-fixtures.sh). With --replay-writes the session's writes are sent too (the
# server is disposable), so the objects it describes exist; timestamps and newly assigned IDs and
# transfer URLs are ignored. A fixture whose recorded answers no longer match what the server says
# fails here: re-record it (`make fixtures`) or fix the server.
#
# Also checks the read-only mode (nothing but describe/find/list/whoami is sent) and that a changed
# recording is reported as drift with exit status 1.
#
# Environment: DX_MOCK_SERVER, DXCASSETTE (default .build/debug/...). Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

SERVER="${DX_MOCK_SERVER:-.build/debug/dx-mock-server}"
TOOL="${DXCASSETTE:-.build/debug/dxcassette}"
TOKEN="drift-check-token-2b7e"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/    /'; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

for binary in "$SERVER" "$TOOL"; do
  if [ ! -x "$binary" ]; then
    fail "binary $binary exists (set DX_MOCK_SERVER / DXCASSETTE)"
    finish
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dx-fixture-drift.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

source scripts/lib/mock-server.bash

# start : a fresh dx-mock-server --seed 1 on port 0; sets PORT and SERVER_PID.
start() {
  if ! MOCK_SERVER_BIN=$SERVER mock_server_start "$WORK" server --seed 1 --token "$TOKEN"; then
    fail "dx-mock-server starts"
    finish
  fi
  SERVER_PID=$MOCK_PID
  PORT=$MOCK_PORT
}

stop() {
  kill -TERM "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
}

# verify NAME CASSETTE EXPECTED_STATUS ARGS... : runs verify against a fresh server.
verify() {
  local name=$1 cassette=$2 expected=$3
  shift 3
  start
  local output status
  output=$(timeout 120 "$TOOL" verify "$cassette" --against "http://127.0.0.1:$PORT" --token "$TOKEN" "$@" 2>&1)
  status=$?
  stop
  if [ "$status" -eq "$expected" ]; then pass "$name"; else fail "$name (exit $status, expected $expected)" "$output"; fi
  LAST_OUTPUT=$output
}

for fixture in cassettes/*.dxcassette; do
  # A private copy: even a read-only open leaves -wal/-shm files beside a WAL database.
  cp "$fixture" "$WORK/$(basename "$fixture")"
  verify "$(basename "$fixture") has not drifted from dx-mock-server" "$WORK/$(basename "$fixture")" 0 --replay-writes
done

cp cassettes/faults.dxcassette "$WORK/readonly.dxcassette"
verify "read-only verify sends no write and skips recorded faults" "$WORK/readonly.dxcassette" 0
if grep -q "skipped" <<<"$LAST_OUTPUT" && ! grep -q " 0 skipped" <<<"$LAST_OUTPUT"; then
  pass "the recorded faults are listed as skipped"
else
  fail "the recorded faults are listed as skipped" "$LAST_OUTPUT"
fi

# A recording that says the project has another name: drift on body.name, exit 1.
"$TOOL" export cassettes/platform.dxcassette >"$WORK/platform.json"
# Only in recorded answers (the "outcome" objects), not in the requests that create the project.
awk '/^      "outcome": /{answer=1} /^      "request": /{answer=0}
  { if (answer) sub(/"name": "fixtures"/, "\"name\": \"renamed since\""); print }' \
  "$WORK/platform.json" >"$WORK/changed.json"
if "$TOOL" import "$WORK/changed.json" "$WORK/changed.dxcassette" >/dev/null; then
  verify "a changed recording is drift (exit 1)" "$WORK/changed.dxcassette" 1 --replay-writes
  if grep -q 'body.name: recorded "renamed since", now "fixtures"' <<<"$LAST_OUTPUT"; then
    pass "the drift names the field and both values"
  else
    fail "the drift names the field and both values" "$LAST_OUTPUT"
  fi
else
  fail "the changed recording imports"
fi
finish
