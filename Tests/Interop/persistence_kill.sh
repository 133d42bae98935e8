#!/usr/bin/env bash
# Persistence: write through one dx-mock-server with --state, SIGKILL it, start another on the same
# file, and find everything (projects, folders, records, file bytes, applets, apps).
#
# Env: DX_MOCK_SERVER (default .build/debug/dx-mock-server), DXKIT_DX (default .venv/bin/dx).
# Prints "N passed, N failed"; exits non-zero on any failure.
set -u
source "$(dirname "$0")/../../scripts/lib/mock-server.bash"
SERVER=${DX_MOCK_SERVER:-.build/debug/dx-mock-server}
DX=${DXKIT_DX:-.venv/bin/dx}
for tool in "$SERVER" "$DX"; do
  [ -x "$tool" ] || { echo "missing executable: $tool" >&2; echo "0 passed, 1 failed"; exit 1; }
done
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PASSED=0
FAILED=0
check() {
  local name=$1; shift
  if "$@"; then PASSED=$((PASSED + 1)); echo "ok: $name"; else FAILED=$((FAILED + 1)); echo "FAIL: $name" >&2; fi
}

start() {
  if ! MOCK_SERVER_BIN=$SERVER mock_server_start "$WORK" server --token tok --state "$WORK/state.sqlite"; then
    echo "$PASSED passed, $((FAILED + 1)) failed"
    exit 1
  fi
  SERVER_PID=$MOCK_PID
  export DX_APISERVER_PORT=$MOCK_PORT
}
export DX_APISERVER_HOST=127.0.0.1 DX_APISERVER_PROTOCOL=http DX_USER_CONF_DIR="$WORK/conf"
export DX_SECURITY_CONTEXT='{"auth_token": "tok", "auth_token_type": "Bearer"}'
unset DX_PROJECT_CONTEXT_ID DX_WORKSPACE_ID DX_CLI_WD DX_JOB_ID

start
T="timeout 120"
PROJECT=$($T "$DX" new project persisted --brief)
export DX_PROJECT_CONTEXT_ID=$PROJECT
$T "$DX" mkdir -p "$PROJECT:/keep/deep" >/dev/null
RECORD=$($T "$DX" new record "$PROJECT:/keep/rec" --details '{"n": 42}' --property color=blue --tag kept --brief)
head -c 300000 /dev/urandom >"$WORK/data.bin"
FILE=$($T "$DX" upload "$WORK/data.bin" --path "$PROJECT:/keep/deep/data.bin" --brief --wait)
APPLET=$($T "$DX" api applet new "{\"project\": \"$PROJECT\", \"name\": \"tool\", \"folder\": \"/keep\",
  \"dxapi\": \"1.0.0\", \"runSpec\": {\"interpreter\": \"bash\", \"code\": \"true\"}}" | tr -d ' \n' | sed -E 's/.*"id":"([^"]+)".*/\1/')
APP=$($T "$DX" api app new "{\"applet\": \"$APPLET\", \"name\": \"kept-app\", \"version\": \"1.0.0\"}" | tr -d ' \n' | sed -E 's/.*"id":"([^"]+)".*/\1/')
$T "$DX" api app-kept-app publish '{}' >/dev/null
check "applet and app created" bash -c "[[ '$APPLET' =~ ^applet-[0-9A-Za-z]{24}$ && '$APP' =~ ^app-[0-9A-Za-z]{24}$ ]]"
# Large enough that the state file's checkpoint (queued after the upload is answered) may still be
# running when the server is killed.
head -c $((12 << 20)) /dev/urandom >"$WORK/big.bin"
BIG=$($T "$DX" upload "$WORK/big.bin" --path "$PROJECT:/keep/big.bin" --brief --wait)
JOB=$($T "$DX" run "$APPLET" -y --brief --extra-args '{"tags": ["kept-job"]}')
# The last acknowledged write just before the kill.
LAST=$($T "$DX" new record "$PROJECT:/keep/last" --brief)
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""

start
check "project survives" bash -c "$T '$DX' find projects --brief | grep -F '$PROJECT' >/dev/null"
check "folders survive" bash -c "$T '$DX' ls '$PROJECT:/keep' | grep -F 'deep/' >/dev/null"
check "record details survive" bash -c "[ \"\$($T '$DX' get_details '$RECORD' | tr -d ' \n')\" = '{\"n\":42}' ]"
check "record found by property" bash -c "$T '$DX' find data --property color=blue --brief | grep -F '$RECORD' >/dev/null"
check "record found by tag" bash -c "$T '$DX' find data --tag kept --brief | grep -F '$RECORD' >/dev/null"
check "applet survives" bash -c "$T '$DX' describe '$PROJECT:/keep/tool' --json | grep -F '$APPLET' >/dev/null"
check "published app survives" bash -c "$T '$DX' find apps --brief | grep -F '$APP' >/dev/null"
check "job survives" bash -c "$T '$DX' find jobs --tag kept-job --brief | grep -F '$JOB' >/dev/null && $T '$DX' describe '$JOB' --json | grep -F '\"kept-job\"' >/dev/null"
check "last acknowledged write survives" bash -c "$T '$DX' describe '$LAST' >/dev/null"
$T "$DX" download "$FILE" -o "$WORK/back.bin" -f >/dev/null 2>&1
check "file bytes survive" cmp -s "$WORK/data.bin" "$WORK/back.bin"
$T "$DX" download "$BIG" -o "$WORK/big.back" -f >/dev/null 2>&1
check "large file bytes survive" cmp -s "$WORK/big.bin" "$WORK/big.back"
# New IDs after the restart do not collide with old ones.
NEW=$($T "$DX" new record "$PROJECT:/keep/new" --brief)
check "new IDs are fresh" bash -c "[ '$NEW' != '$RECORD' ] && [ '$NEW' != '$LAST' ]"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
