# Shared set-up for the interop scripts that drive the real `dx` client: sourced, not run.
#
# Env: DX_MOCK_SERVER (default .build/debug/dx-mock-server), DXKIT_DX (default .venv/bin/dx),
#      DXKIT_PYTHON (default .venv/bin/python).
# Gives: $SERVER $DX $PY $WORK (removed on exit with the server), start_mock_server SEED [FLAGS...]
# (port 0, users alice=tok-alice and bob=tok-bob, more server flags, dx pointed at it as alice, $PORT
# and $SERVER_LOG set), $BOB (a command
# prefix running as bob), and the counters and checks: run, refused, check, contains, equals, json,
# id_of. Every command is bounded (120 s); the caller prints "$PASSED passed, $FAILED failed".
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/mock-server.bash"
SERVER=${DX_MOCK_SERVER:-.build/debug/dx-mock-server}
DX=${DXKIT_DX:-.venv/bin/dx}
PY=${DXKIT_PYTHON:-.venv/bin/python}
for tool in "$SERVER" "$DX" "$PY"; do
  [ -x "$tool" ] || { echo "missing executable: $tool" >&2; echo "0 passed, 1 failed"; exit 1; }
done

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_mock_server SEED [FLAGS...]: starts the server (with any extra server flags) and points dx at
# it as alice.
start_mock_server() {
  local seed=$1
  shift
  SERVER_LOG="$WORK/server.log"
  if ! MOCK_SERVER_BIN=$SERVER mock_server_start "$WORK" server --token tok-alice --default-user alice \
    --user bob=tok-bob --seed "$seed" "$@"; then
    echo "0 passed, 1 failed"
    exit 1
  fi
  SERVER_PID=$MOCK_PID
  PORT=$MOCK_PORT
  export DX_APISERVER_HOST=127.0.0.1 DX_APISERVER_PORT=$PORT DX_APISERVER_PROTOCOL=http
  export DX_SECURITY_CONTEXT='{"auth_token": "tok-alice", "auth_token_type": "Bearer"}'
  export DX_USER_CONF_DIR="$WORK/conf"
  unset DX_PROJECT_CONTEXT_ID DX_WORKSPACE_ID DX_CLI_WD DX_JOB_ID DX_USERNAME DX_PROJECT_CONTEXT_NAME
  mkdir -p "$DX_USER_CONF_DIR"
}
BOB=(env DX_SECURITY_CONTEXT='{"auth_token": "tok-bob", "auth_token_type": "Bearer"}' DX_USER_CONF_DIR="$WORK/bobconf")

PASSED=0
FAILED=0
LAST=""
# run NAME CMD...: runs with a 120 s bound, keeps stdout in $LAST, counts a failure on non-zero exit.
run() {
  local name=$1; shift
  if LAST=$(timeout 120 "$@" 2>"$WORK/stderr"); then
    return 0
  fi
  echo "FAIL: $name: command failed: $*" >&2; sed 's/^/    /' "$WORK/stderr" >&2
  FAILED=$((FAILED + 1)); return 1
}
# refused NAME PATTERN CMD...: the command must fail with stderr matching PATTERN.
refused() {
  local name=$1 pattern=$2; shift 2
  if LAST=$(timeout 120 "$@" 2>"$WORK/stderr"); then
    FAILED=$((FAILED + 1)); echo "FAIL: $name: expected a refusal, got: ${LAST:0:300}" >&2; return 1
  fi
  if grep -Eq -- "$pattern" "$WORK/stderr"; then PASSED=$((PASSED + 1)); echo "ok: $name"; else
    FAILED=$((FAILED + 1)); echo "FAIL: $name: stderr lacks /$pattern/:" >&2; sed 's/^/    /' "$WORK/stderr" >&2; fi
}
# check NAME TEST...: counts a pass when TEST succeeds.
check() {
  local name=$1; shift
  if "$@"; then PASSED=$((PASSED + 1)); echo "ok: $name"; else
    FAILED=$((FAILED + 1)); echo "FAIL: $name (output: ${LAST:0:300})" >&2; fi
}
contains() { grep -q -- "$1" <<<"$LAST"; }
equals() { [ "$LAST" = "$1" ]; }
# json EXPR: evaluates the Python expression EXPR over d = json.loads($LAST).
json() { "$PY" -c "import json,sys; d=json.loads(sys.stdin.read()); sys.exit(0 if ($1) else 1)" <<<"$LAST"; }
id_of() { "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["id"])' <<<"$LAST"; }
