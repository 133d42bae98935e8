#!/usr/bin/env bash
# A user's day with the real `dx` client (PyPI dxpy) against dx-mock-server.
#
# Env and helpers: Tests/Interop/lib/dx_session.bash (its own server on port 0, cleaned up on exit,
# every wait bounded). Prints "N passed, N failed".
set -u
source "$(dirname "$0")/lib/dx_session.bash"
start_mock_server 4

# 1. whoami
run whoami "$DX" whoami && check "whoami is alice" equals alice
# 2. new project, select
run "new project" "$DX" new project "Day project" --brief && PROJECT=$LAST
check "project id" grep -Eq '^project-[0-9A-Za-z]{24}$' <<<"${PROJECT:-}"
run select "$DX" select "$PROJECT" && check "select" contains "$PROJECT"
# 3. mkdir -p
run mkdir "$DX" mkdir -p /data/raw && run "ls folders" "$DX" ls /data && check "mkdir -p made /data/raw" contains "raw/"
# 4. new record with details, properties, tags
run "new record" "$DX" new record /data/raw/rec1 --details '{"a": 1, "b": [true, null]}' --property k=v \
  --tag t1 --brief && RECORD=$LAST
check "record id" grep -Eq '^record-[0-9A-Za-z]{24}$' <<<"${RECORD:-}"
run describe "$DX" describe "$PROJECT:/data/raw/rec1" && check "describe shows name" contains "rec1"
check "describe shows property" contains "k"
run "describe json" "$DX" describe "$RECORD" --json && check "describe json tags" \
  bash -c "$PY -c 'import json,sys; d=json.load(sys.stdin); assert d[\"tags\"]==[\"t1\"], d; assert d[\"folder\"]==\"/data/raw\"' <<<'$LAST'"
run get_details "$DX" get_details "$RECORD" && check "get_details" \
  bash -c "$PY -c 'import json,sys; assert json.load(sys.stdin)=={\"a\":1,\"b\":[True,None]}' <<<'$LAST'"
# 5. ls -l, tree
run "ls -l" "$DX" ls -l /data/raw && check "ls -l lists the record" contains "rec1"
run tree "$DX" tree / && check "tree shows the folders" contains "raw"
# 6. rename
run rename "$DX" rename "$RECORD" rec2 && run "ls after rename" "$DX" ls /data/raw && check "renamed" contains "rec2"
# 7. upload and download: 17 MiB (dx's default 16 MiB buffer → 2 parts) and a small text file
head -c $((17 * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"
run upload "$DX" upload "$WORK/big.bin" --path /data/big.bin --brief --wait && FILE=$LAST
run "file parts" "$DX" api "$FILE" describe '{"fields": {"parts": true, "size": true}}' && check \
  "upload is multi-part" bash -c "$PY -c 'import json,sys; d=json.load(sys.stdin); assert len(d[\"parts\"])>=2, d; assert d[\"size\"]==17825792' <<<'$LAST'"
run download "$DX" download "$FILE" -o "$WORK/big.out" -f && check "downloaded bytes identical" cmp -s "$WORK/big.bin" "$WORK/big.out"
# Faults apply to the transfer URLs too: one 503 on the part upload and one on the download; dx retries.
fault() {
  curl -sf -X POST "http://127.0.0.1:$PORT/__admin/faults" -H 'Content-Type: application/json' \
    --data "{\"match\": {\"method\": \"$1\", \"path\": \"$2\"}, \"fault\": {\"type\": \"status\", \"status\": 503, \"retryAfter\": 0}, \"times\": 1}" >/dev/null
}
fault PUT '/F/upload/*'
fault GET '/F/download/*'
printf 'hello from the mock\nsecond line\n' >"$WORK/hello.txt"
run "upload text" "$DX" upload "$WORK/hello.txt" --path /hello.txt --brief --wait
run cat "$DX" cat /hello.txt && check "cat" equals "$(printf 'hello from the mock\nsecond line')"
FAULTED=$(curl -sf "http://127.0.0.1:$PORT/__admin/requests" | "$PY" -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if r.get("status") == 503 and r["path"].startswith("/F/")))')
LAST=$FAULTED; check "upload and download URLs got the injected 503s (and dx retried)" equals 2
# 8. find data / projects
run "find name" "$DX" find data --name rec2 --brief && check "find data --name" contains "$RECORD"
run "find glob" "$DX" find data --name '*.bin' --brief && check "find data glob" contains "$FILE"
run "find property" "$DX" find data --property k=v --brief && check "find data --property" contains "$RECORD"
run "find tag" "$DX" find data --tag t1 --brief && check "find data --tag" contains "$RECORD"
run "find tag none" "$DX" find data --tag nope --brief && check "find data --tag (none)" equals ""
run "find projects" "$DX" find projects --name "Day project" --brief && check "find projects" contains "$PROJECT"
# 9. tag, set_properties
run tag "$DX" tag "$RECORD" t2 && run "describe tags" "$DX" describe "$RECORD" --json && check "tag added" \
  bash -c "$PY -c 'import json,sys; assert json.load(sys.stdin)[\"tags\"]==[\"t1\",\"t2\"]' <<<'$LAST'"
run set_properties "$DX" set_properties "$RECORD" p=q && run "describe props" "$DX" describe "$RECORD" --json \
  && check "property set" bash -c "$PY -c 'import json,sys; assert json.load(sys.stdin)[\"properties\"]=={\"k\":\"v\",\"p\":\"q\"}' <<<'$LAST'"
# 10. mv, cp between projects
run mv "$DX" mv /data/raw/rec2 /data && run "ls after mv" "$DX" ls /data && check "mv" contains "rec2"
run close "$DX" close "$RECORD" --wait
run "new project 2" "$DX" new project "Other project" --brief && OTHER=$LAST
run cp "$DX" cp "$PROJECT:/data/rec2" "$OTHER:/" && run "ls other" "$DX" ls "$OTHER:/" && check "cp" contains "rec2"
run "cp keeps id" "$DX" find data --name rec2 --project "$OTHER" --brief && check "cp keeps the ID" contains "$RECORD"
# 11. a second user without access is refused
if timeout 60 env DX_SECURITY_CONTEXT='{"auth_token": "tok-bob", "auth_token_type": "Bearer"}' \
  DX_USER_CONF_DIR="$WORK/bobconf" "$DX" ls "$PROJECT:/" >"$WORK/bob.out" 2>&1; then
  LAST=$(cat "$WORK/bob.out"); check "bob is refused" false
else
  LAST=$(cat "$WORK/bob.out"); check "bob is refused" grep -Eq 'PermissionDenied|Could not resolve|not found' "$WORK/bob.out"
fi
run "bob whoami" env DX_SECURITY_CONTEXT='{"auth_token": "tok-bob", "auth_token_type": "Bearer"}' \
  DX_USER_CONF_DIR="$WORK/bobconf" "$DX" whoami && check "bob whoami" equals bob
# 12. rm, rm -r, rmproject
run rm "$DX" rm /data/rec2 && run "ls after rm" "$DX" ls /data && check "rm" bash -c "! grep -q rec2 <<<'$LAST'"
run "rm -r" "$DX" rm -r /data && run "ls root" "$DX" ls / && check "rm -r" bash -c "! grep -q data <<<'$LAST'"
run rmproject "$DX" rmproject -y "$PROJECT" && run "find projects after" "$DX" find projects --brief \
  && check "rmproject" bash -c "! grep -q '$PROJECT' <<<'$LAST'"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
