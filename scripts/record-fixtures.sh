#!/usr/bin/env bash
# Re-records every fixture cassette in cassettes/ from dx-mock-server (`make fixtures`).
#
# For each fixture: an upstream `dx-mock-server --seed 1` (so object IDs are the same on every run), a
# recorder `dx-mock-server --record cassettes/<name>.dxcassette --upstream <upstream>`, and a curl session
# through the recorder. Faults are injected on the upstream through its admin API, so the recorder sees
# (and records) them on the wire. The token is redacted by the recorder; the script then audits each
# cassette and fails if anything secret-shaped is left.
#
# Environment: DX_MOCK_SERVER (default .build/debug/dx-mock-server), DXCASSETTE (default
# .build/debug/dxcassette), FIXTURES_DIR (default cassettes).
# Volatile between runs even with --seed: timestamps, transfer keys in upload/download URLs, request IDs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/mock-server.bash

SERVER="${DX_MOCK_SERVER:-.build/debug/dx-mock-server}"
TOOL="${DXCASSETTE:-.build/debug/dxcassette}"
OUT="${FIXTURES_DIR:-cassettes}"
TOKEN="fixture-token-6d1f0a94c2"
for binary in "$SERVER" "$TOOL"; do
  [ -x "$binary" ] || { echo "record-fixtures: $binary not found (run swift build)" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "record-fixtures: curl is required" >&2; exit 1; }
command -v jq >/dev/null || { echo "record-fixtures: jq is required" >&2; exit 1; }
mkdir -p "$OUT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dx-fixtures.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start NAME ARGS... : a server on port 0; sets PORT and NAME_PID.
start() {
  local name=$1
  shift
  MOCK_SERVER_BIN=$SERVER mock_server_start "$WORK" "$name" "$@" || exit 1
  PIDS+=("$MOCK_PID")
  eval "${name}_PID=$MOCK_PID"
  PORT=$MOCK_PORT
}

stop() {
  local pid
  eval "pid=\$${1}_PID"
  kill -TERM "$pid"
  wait "$pid" || { echo "record-fixtures: $1 did not stop cleanly" >&2; exit 1; }
}

# api PATH [JSON] : POST through the recorder; prints the body (failures are part of the fixture).
api() {
  curl -sS --max-time 30 -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
    --data "${2:-{\}}" "http://127.0.0.1:$RECORDER/$1" || true
}

fault() {
  curl -sS --max-time 10 -X POST --data "$1" "http://127.0.0.1:$UPSTREAM/__admin/faults" >/dev/null
}

# record NAME FUNCTION : records the session FUNCTION into $OUT/NAME.dxcassette.
record() {
  local name=$1 session=$2 cassette="$OUT/$1.dxcassette"
  rm -f "$cassette" "$cassette-wal" "$cassette-shm"
  start upstream --seed 1 --token "$TOKEN"
  UPSTREAM=$PORT
  start recorder --record "$cassette" --upstream "http://127.0.0.1:$UPSTREAM"
  RECORDER=$PORT
  "$session" >"$WORK/$name.session" 2>&1
  stop recorder
  stop upstream
  "$TOOL" audit "$cassette" >/dev/null
  echo "recorded $cassette ($(wc -c <"$cassette") bytes): $("$TOOL" stats "$cassette" | head -n 1)"
}

platform_session() {
  api system/whoami
  project=$(api project/new '{"name":"fixtures","description":"recorded by record-fixtures.sh"}' | jq -r .id)
  api "$project/describe"
  api "$project/newFolder" '{"folder":"/data","parents":true}'
  record=$(api record/new "{\"project\":\"$project\",\"folder\":\"/data\",\"name\":\"sample\",\"details\":{\"n\":1},\"types\":[\"Sample\"],\"properties\":{\"k\":\"v\"},\"tags\":[\"t1\"]}" | jq -r .id)
  api "$record/describe" "{\"project\":\"$project\",\"details\":true}"
  api "$record/close" "{\"project\":\"$project\"}"
  api "$project/listFolder" '{"folder":"/data"}'
  api system/findDataObjects "{\"scope\":{\"project\":\"$project\"},\"describe\":true}"
  api "$record/setProperties" "{\"project\":\"$project\",\"properties\":{\"k\":\"w\"}}"
  api record-000000000000000000000000/describe
  api system/whoami '{"bad json'
}

files_session() {
  project=$(api project/new '{"name":"files"}' | jq -r .id)
  file=$(api file/new "{\"project\":\"$project\",\"name\":\"hello.txt\",\"media\":\"text/plain\"}" | jq -r .id)
  printf 'hello, cassette\n' >"$WORK/hello.txt"
  md5=$(md5sum "$WORK/hello.txt" | cut -d' ' -f1)
  upload=$(api "$file/upload" "{\"index\":1,\"size\":16,\"md5\":\"$md5\"}")
  curl -sS --max-time 30 -X PUT --data-binary @"$WORK/hello.txt" "$(echo "$upload" | jq -r .url)"
  api "$file/close"
  api "$file/describe"
  download=$(api "$file/download" '{"preauthenticated":true}')
  curl -sS --max-time 30 "$(echo "$download" | jq -r .url)"
}

faults_session() {
  fault '{"match":{"method":"POST","path":"/system/whoami"},"fault":{"type":"status","status":503,"retryAfter":2},"times":1}'
  api system/whoami
  api system/whoami
  fault '{"match":{"path":"/system/whoami"},"fault":{"type":"truncate","sendBytes":5},"times":1}'
  api system/whoami
  fault '{"match":{"path":"/system/whoami"},"fault":{"type":"noContentLength"},"times":1}'
  api system/whoami
  fault '{"match":{"path":"/system/whoami"},"fault":{"type":"reset"},"times":1}'
  api system/whoami
  fault '{"match":{"path":"/system/whoami"},"fault":{"type":"empty"},"times":1}'
  api system/whoami
  api system/whoami
  fault '{"match":{"path":"/system/findProjects"},"fault":{"type":"status","status":500,"errorType":"InternalError"},"times":1}'
  api system/findProjects '{}'
  api system/findProjects '{}'
}

record platform platform_session
record files files_session
record faults faults_session
