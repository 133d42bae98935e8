#!/usr/bin/env bash
# Writes Tests/DXCassetteTests/Fixtures/mitmproxy-session.har: a genuine HAR 1.2 file written by
# mitmproxy's own HAR export (mitmdump --set hardump=…), for a curl session through it against
# dx-mock-server --seed 1 (JSON API calls, a 404, a binary upload and download through the proxy URLs).
# Not part of the test suite: run it by hand when the fixture should be made again.
#
# Usage: MITMDUMP=/path/to/mitmdump scripts/make-har-fixture.sh
#   (pip install 'mitmproxy==11.0.2' in a throwaway venv gives mitmdump; it is not a project dependency)
set -euo pipefail
cd "$(dirname "$0")/.."
MITMDUMP="${MITMDUMP:-mitmdump}"
SERVER="${DX_MOCK_SERVER:-.build/debug/dx-mock-server}"
OUT=Tests/DXCassetteTests/Fixtures/mitmproxy-session.har
TOKEN="har-fixture-token-41c9"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

"$SERVER" --port 0 --port-file "$WORK/port" --seed 1 --token "$TOKEN" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do [ -s "$WORK/port" ] && break; sleep 0.1; done
API="http://127.0.0.1:$(cat "$WORK/port")"

PROXY=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$MITMDUMP" --listen-host 127.0.0.1 --listen-port "$PROXY" --set hardump="$WORK/session.har" \
  >"$WORK/mitm.log" 2>&1 &
MITM=$!
PIDS+=($MITM)
for _ in $(seq 1 300); do
  grep -q "listening at" "$WORK/mitm.log" && break
  sleep 0.1
done
grep -q "listening at" "$WORK/mitm.log" || { cat "$WORK/mitm.log" >&2; exit 1; }

api() {
  curl -sS --max-time 30 -x "http://127.0.0.1:$PROXY" -X POST -H "Authorization: Bearer $TOKEN" \
    -H "Content-Type: application/json" --data "${2:-{\}}" "$API/$1"
}
api system/whoami >/dev/null
project=$(api project/new '{"name":"har fixture"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
api "$project/describe" '{"fields":{"name":true}}' >/dev/null
file=$(api file/new "{\"project\":\"$project\",\"name\":\"bytes.bin\"}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
printf '\x00\x01\x02\xff\xfe binary part\n' >"$WORK/part.bin"
md5=$(md5sum "$WORK/part.bin" | cut -d' ' -f1)
upload=$(api "$file/upload" "{\"index\":1,\"size\":$(wc -c <"$WORK/part.bin"),\"md5\":\"$md5\"}" \
  | python3 -c 'import json,sys;print(json.load(sys.stdin)["url"])')
curl -sS --max-time 30 -x "http://127.0.0.1:$PROXY" -X PUT --data-binary @"$WORK/part.bin" "$upload" >/dev/null
api "$file/close" >/dev/null
download=$(api "$file/download" '{"preauthenticated":true}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["url"])')
curl -sS --max-time 30 -x "http://127.0.0.1:$PROXY" "$download" >/dev/null
api record-000000000000000000000000/describe >/dev/null || true

kill -INT "$MITM"
wait "$MITM" || true
python3 -m json.tool "$WORK/session.har" >"$OUT"
echo "wrote $OUT ($(wc -c <"$OUT") bytes)"
