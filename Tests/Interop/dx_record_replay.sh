#!/usr/bin/env bash
# Records a session of the real `dx` client through `dx-mock-server --record` (proxying to an upstream
# `dx-mock-server --seed 1`), then replays it through `dx-mock-server --replay` with NO upstream running,
# and checks that every command prints the same output and exits the same way.
#
# Environment:
#   DX_MOCK_SERVER  the server binary (default .build/debug/dx-mock-server)
#   DXCASSETTE      the cassette tool (default .build/debug/dxcassette)
#   DXKIT_DX        the real dx client (default .venv/bin/dx)
# Exits non-zero on any failure; the last line is "N passed, N failed".
#
# Nothing is normalized between the two runs: IDs, timestamps and URLs all come from the cassette on
# replay. The only things that differ are the ports (never printed by these commands) and the
# upload/download URLs' host, which dx never prints.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/mock-server.bash

SERVER="${DX_MOCK_SERVER:-.build/debug/dx-mock-server}"
TOOL="${DXCASSETTE:-.build/debug/dxcassette}"
DX="${DXKIT_DX:-.venv/bin/dx}"
TOKEN="rr-interop-token-93ac1e7d5b"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/    /'; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

for binary in "$SERVER" "$DX"; do
  if [ ! -x "$binary" ]; then
    fail "binary $binary exists (set DX_MOCK_SERVER / DXKIT_DX)"
    finish
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dx-record-replay.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start NAME ARGS... : starts a server on port 0 and sets PORT (waits for the port file, at most 60 s).
start() {
  local name=$1
  shift
  if ! MOCK_SERVER_BIN=$SERVER mock_server_start "$WORK" "$name" "$@" 2>"$WORK/$name.start"; then
    fail "$name starts" "$(cat "$WORK/$name.start")"
    finish
  fi
  PIDS+=("$MOCK_PID")
  eval "${name}_PID=$MOCK_PID"
  PORT=$MOCK_PORT
}

# stop NAME : SIGTERM and wait (the server exits 0 on SIGTERM).
stop() {
  local pid
  eval "pid=\$${1}_PID"
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  local status=$?
  if [ "$status" -eq 0 ]; then pass "$1 stops cleanly"; else fail "$1 stops cleanly (exit $status)"; fi
}

# session PORT OUTDIR : runs the dx session against 127.0.0.1:PORT; one file per command.
session() {
  local port=$1 out=$2
  mkdir -p "$out" "$out/conf"
  printf 'hello from the record/replay interop test\n' >"$out/hello.txt"
  (
    cd "$out" || exit 1
    for name in $(env | sed -n 's/^\(DX_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
    export DX_USER_CONF_DIR="$out/conf"
    export DX_APISERVER_PROTOCOL=http DX_APISERVER_HOST=127.0.0.1 DX_APISERVER_PORT="$port"
    export DX_SECURITY_CONTEXT="{\"auth_token_type\":\"Bearer\",\"auth_token\":\"$TOKEN\"}"
    run() {
      local step=$1
      shift
      timeout 120 "$@" >"$step.stdout" 2>"$step.stderr" </dev/null
      echo $? >"$step.status"
    }
    run 01-whoami "$DX" whoami
    run 02-new-project "$DX" new project rr-interop --brief
    project=$(tr -d '[:space:]' <02-new-project.stdout)
    run 03-select "$DX" select "$project"
    run 04-mkdir "$DX" mkdir /data
    run 05-new-record "$DX" new record /data/rec1 --brief
    run 06-upload "$DX" upload hello.txt --path /data/hello.txt --brief --wait
    run 07-ls "$DX" ls -l /data
    # By path: describing a bare path also searches apps (/system/findApps, findGlobalWorkflows).
    record=$(tr -d '[:space:]' <05-new-record.stdout)
    run 08-describe-file "$DX" describe /data/hello.txt
    run 09-describe-record "$DX" describe "$record" --json
    run 10-cat "$DX" cat /data/hello.txt
    run 11-download "$DX" download /data/hello.txt -o downloaded.txt
    if [ -f downloaded.txt ]; then cp downloaded.txt 11-download.file; fi
    run 12-find "$DX" find data --brief --project "$project"
  )
}

# --- record --------------------------------------------------------------------------------------
CASSETTE="$WORK/session.dxcassette"
start upstream --seed 1 --token "$TOKEN"
UPSTREAM_PORT=$PORT
start recorder --record "$CASSETTE" --upstream "http://127.0.0.1:$UPSTREAM_PORT"
RECORDER_PORT=$PORT
session "$RECORDER_PORT" "$WORK/recorded"
stop recorder
stop upstream

for status_file in "$WORK"/recorded/*.status; do
  step=$(basename "$status_file" .status)
  if [ "$(cat "$status_file")" = "0" ]; then
    pass "recorded: dx $step succeeds"
  else
    fail "recorded: dx $step succeeds (exit $(cat "$status_file"))" "$(tail -n 5 "$WORK/recorded/$step.stderr")"
  fi
done
for step in 01-whoami 02-new-project 05-new-record 06-upload 07-ls 08-describe-file 09-describe-record 10-cat 12-find; do
  if [ -s "$WORK/recorded/$step.stdout" ]; then pass "recorded: dx $step printed output"; else fail "recorded: dx $step printed output"; fi
done
if grep -q "hello.txt" "$WORK/recorded/07-ls.stdout" && grep -q "closed" "$WORK/recorded/08-describe-file.stdout"; then
  pass "recorded: ls and describe show the closed file"
else
  fail "recorded: ls and describe show the closed file" "$(cat "$WORK/recorded/07-ls.stdout" "$WORK/recorded/08-describe-file.stdout")"
fi
if [ -s "$CASSETTE" ]; then pass "the cassette was written"; else fail "the cassette was written"; fi
if grep -q -a "$TOKEN" "$CASSETTE" "$CASSETTE-wal" 2>/dev/null; then
  fail "the token never reaches the cassette"
else
  pass "the token never reaches the cassette"
fi
if [ -x "$TOOL" ]; then
  if audit=$("$TOOL" audit "$CASSETTE" 2>&1); then
    pass "dxcassette audit finds no secret"
  else
    fail "dxcassette audit finds no secret" "$audit"
  fi
  listing=$("$TOOL" list "$CASSETTE" 2>&1)
  if echo "$listing" | grep -q "PUT" && echo "$listing" | grep -q "/download"; then
    pass "the cassette holds the file bytes' upload and download"
  else
    fail "the cassette holds the file bytes' upload and download" "$listing"
  fi
fi

# --- replay (no upstream running) ----------------------------------------------------------------
start replayer --replay "$CASSETTE" --usage-log "$WORK/usage.log"
REPLAYER_PORT=$PORT
session "$REPLAYER_PORT" "$WORK/replayed"
stop replayer

for status_file in "$WORK"/recorded/*.status; do
  step=$(basename "$status_file" .status)
  if ! cmp -s "$WORK/recorded/$step.status" "$WORK/replayed/$step.status"; then
    fail "replayed: dx $step exits the same way" "$(tail -n 5 "$WORK/replayed/$step.stderr")"
  elif ! cmp -s "$WORK/recorded/$step.stdout" "$WORK/replayed/$step.stdout"; then
    fail "replayed: dx $step prints the same output" \
      "$(diff "$WORK/recorded/$step.stdout" "$WORK/replayed/$step.stdout" | head -n 20)"
  else
    pass "replayed: dx $step prints the same output"
  fi
done
if [ -f "$WORK/recorded/11-download.file" ] && cmp -s "$WORK/recorded/11-download.file" "$WORK/replayed/11-download.file" \
  && cmp -s "$WORK/recorded/hello.txt" "$WORK/replayed/11-download.file"; then
  pass "replayed: the downloaded bytes are the uploaded ones"
else
  fail "replayed: the downloaded bytes are the uploaded ones"
fi
if [ -s "$WORK/usage.log" ]; then pass "the replayer wrote a usage log"; else fail "the replayer wrote a usage log"; fi

if [ -x "$TOOL" ]; then
  # The replay used every recorded interaction: pruning with its usage log drops nothing.
  before=$(cksum <"$CASSETTE")
  pruned=$("$TOOL" prune "$CASSETTE" --usage-log "$WORK/usage.log" --dry-run 2>&1)
  if echo "$pruned" | grep -q "would drop 0 of"; then
    pass "prune --dry-run: the replay used every interaction"
  else
    fail "prune --dry-run: the replay used every interaction" "$pruned"
  fi
  [ "$before" = "$(cksum <"$CASSETTE")" ] && pass "prune --dry-run leaves the cassette as it was" \
    || fail "prune --dry-run leaves the cassette as it was"

  # git textconv: `git diff` of a cassette shows JSON lines.
  if command -v git >/dev/null; then
    repo="$WORK/repo"
    mkdir -p "$repo"
    (
      cd "$repo" || exit 1
      git init -q . && git config user.email t@example.com && git config user.name t
      echo '*.dxcassette diff=dxcassette' >.gitattributes
      git config diff.dxcassette.textconv "$(cd "$(dirname "$TOOL")" && pwd)/$(basename "$TOOL") export"
      cp "$CASSETTE" s.dxcassette
      git add . && git commit -q -m one
      head -n 3 "$WORK/usage.log" >"$WORK/usage3.log"
      "$TOOL" prune s.dxcassette --usage-log "$WORK/usage3.log" >/dev/null
      git diff -- s.dxcassette >"$WORK/git.diff"
    )
    if grep -q '^-      "id": 4,' "$WORK/git.diff" && grep -q '"method": "' "$WORK/git.diff"; then
      pass "git diff shows a cassette change as JSON through the textconv driver"
    else
      fail "git diff shows a cassette change as JSON through the textconv driver" "$(head -n 20 "$WORK/git.diff")"
    fi
  fi
fi

# A recorder killed with SIGKILL mid-session leaves a valid cassette with every completed exchange.
KILLED="$WORK/killed.dxcassette"
start upstream2 --seed 1 --token "$TOKEN"
UPSTREAM2_PORT=$PORT
start killed --record "$KILLED" --upstream "http://127.0.0.1:$UPSTREAM2_PORT"
for _ in 1 2 3; do
  curl -sS --max-time 10 -X POST -H "Authorization: Bearer $TOKEN" -d '{}' \
    "http://127.0.0.1:$PORT/system/whoami" >/dev/null
done
kill -KILL "$killed_PID"
wait "$killed_PID" 2>/dev/null
stop upstream2
if [ -x "$TOOL" ]; then
  count=$("$TOOL" list "$KILLED" 2>&1 | grep -c "POST /system/whoami")
  if [ "$count" = "3" ]; then
    pass "a SIGKILLed recorder's cassette opens with its 3 completed exchanges"
  else
    fail "a SIGKILLed recorder's cassette opens with its 3 completed exchanges" "$("$TOOL" list "$KILLED" 2>&1)"
  fi
fi
start replay2 --replay "$KILLED"
answers=0
for _ in 1 2 3; do
  body=$(curl -sS --max-time 10 -X POST -H "Authorization: Bearer other-token-123456" -d '{}' \
    "http://127.0.0.1:$PORT/system/whoami")
  case "$body" in *user-alice*) answers=$((answers + 1)) ;; esac
done
fourth=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X POST -d '{}' "http://127.0.0.1:$PORT/system/whoami")
stop replay2
if [ "$answers" = "3" ] && [ "$fourth" = "404" ]; then
  pass "the killed recorder's exchanges replay (any token), then a miss gets 404"
else
  fail "the killed recorder's exchanges replay (any token), then a miss gets 404" "answers=$answers fourth=$fourth"
fi

# Bad cassette flags: one line on stderr naming the flag, a non-zero exit, no server left running.
cli_refuses() { # NAME PATTERN FLAGS...
  local name=$1 pattern=$2
  shift 2
  local err status
  err=$(timeout 30 "$SERVER" --port 0 "$@" 2>&1 >/dev/null)
  status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 124 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] \
    && printf '%s' "$err" | grep -Eq -- "$pattern"; then
    pass "$name"
  else
    fail "$name" "exit $status: $err"
  fi
}
cli_refuses "an unknown --record-mode is refused in one line" "record-mode" \
  --record "$WORK/bad.dxcassette" --upstream http://127.0.0.1:9 --record-mode sometimes
cli_refuses "--replay of a missing cassette names the flag and the file" "--replay .*missing.dxcassette" \
  --replay "$WORK/missing.dxcassette"
cli_refuses "a bad --upstream names the flags" "--record .*--upstream" \
  --record "$WORK/bad.dxcassette" --upstream ftp://nowhere

finish
