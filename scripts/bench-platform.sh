#!/usr/bin/env bash
# Benchmarks for the stateful platform in dx-mock-server. Prints figures (never a test).
#
#   scripts/bench-platform.sh            # uses .build-release/release/dx-mock-server (builds it if missing)
# Env: DX_MOCK_SERVER_RELEASE (server binary), DXKIT_DX / DXKIT_PYTHON (the dxpy venv, default .venv/bin/…),
#      BENCH_OBJECTS (default 100000), BENCH_FILE_MB (default 256), BENCH_SECONDS (wrk duration, default 5).
# Needs wrk and curl. Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/mock-server.bash
SERVER=${DX_MOCK_SERVER_RELEASE:-.build-release/release/dx-mock-server}
DX=${DXKIT_DX:-.venv/bin/dx}
PY=${DXKIT_PYTHON:-.venv/bin/python}
OBJECTS=${BENCH_OBJECTS:-100000}
FILE_MB=${BENCH_FILE_MB:-256}
SECONDS_WRK=${BENCH_SECONDS:-5}
if [ ! -x "$SERVER" ]; then
  swift build -c release --scratch-path .build-release --product dx-mock-server >&2
fi
for tool in wrk curl; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }; done

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
MOCK_SERVER_BIN=$SERVER mock_server_start "$WORK" server --token tok --journal-size 100 \
  --max-body-bytes $((300 << 20)) || exit 1
SERVER_PID=$MOCK_PID
PORT=$MOCK_PORT
BASE="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer tok"
api() { curl -sf -X POST -H "$AUTH" -H 'Content-Type: application/json' --data "$2" "$BASE$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "== dx-mock-server platform benchmarks ($(nproc) cores, server $SERVER)"
PROJECT=$(api /project/new '{"name":"bench"}' | json 'd["id"]')
RECORD=$(api /record/new "{\"project\":\"$PROJECT\",\"name\":\"r\",\"details\":{\"a\":1}}" | json 'd["id"]')

# ---- wrk: whoami and describe throughput
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Authorization"] = "Bearer tok"
wrk.headers["Content-Type"] = "application/json"
LUA
rate() { wrk -t2 -c16 -d"${SECONDS_WRK}s" -s "$WORK/post.lua" "$1" | awk '/Requests\/sec/ {print $2}'; }
WHOAMI=$(rate "$BASE/system/whoami")
DESCRIBE=$(rate "$BASE/$RECORD/describe")
PDESCRIBE=$(rate "$BASE/$PROJECT/describe")
echo "whoami:            $WHOAMI req/s"
echo "record describe:   $DESCRIBE req/s  (ratio to whoami $(python3 -c "print(round($DESCRIBE/$WHOAMI,2))"))"
echo "project describe:  $PDESCRIBE req/s  (ratio to whoami $(python3 -c "print(round($PDESCRIBE/$WHOAMI,2))"))"

# ---- seed OBJECTS records through the API (4 keep-alive connections) and time findDataObjects
python3 - "$PORT" "$PROJECT" "$OBJECTS" <<'PY'
import http.client, json, sys, threading, time
port, project, total = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
headers = {"Authorization": "Bearer tok", "Content-Type": "application/json"}
def post(conn, path, body):
    conn.request("POST", path, json.dumps(body), headers)
    r = conn.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit("%s -> %d %s" % (path, r.status, data[:200]))
    return json.loads(data)
c = http.client.HTTPConnection("127.0.0.1", port)
for f in range(10): post(c, "/%s/newFolder" % project, {"folder": "/f%d" % f})
def seed(start, step):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(start, total, step):
        body = {"project": project, "name": "obj%d" % i, "folder": "/f%d" % (i % 10),
                "properties": {"bucket": str(i % 100)}, "close": True}
        if i % 1000 == 0: body["tags"] = ["rare"]
        post(conn, "/record/new", body)
t0 = time.time()
threads = [threading.Thread(target=seed, args=(k, 4)) for k in range(4)]
[t.start() for t in threads]; [t.join() for t in threads]
seed_s = time.time() - t0
print("seeded %d records in %.1f s (%.0f creates/s)" % (total, seed_s, total / seed_s))
def timed(label, query, n=20):
    post(c, "/system/findDataObjects", query)
    t = time.time()
    for _ in range(n): res = post(c, "/system/findDataObjects", query)
    ms = (time.time() - t) / n * 1000
    print("findDataObjects %-34s %8.2f ms  (%d results)" % (label, ms, len(res["results"])))
    return ms
scope = {"project": project}
exact = timed("name exact", {"scope": scope, "name": "obj%d" % (total // 2)})
tag = timed("tag (rare, 1 in 1000)", {"scope": scope, "tag": "rare"})
prop = timed("property bucket=7 (limit 100)", {"scope": scope, "properties": {"bucket": "7"}, "limit": 100})
folder = timed("folder /f3 no recurse (limit 100)", {"scope": {"project": project, "folder": "/f3", "recurse": False}, "limit": 100})
scan = timed("glob obj12345* (unindexed scan)", {"scope": scope, "name": {"glob": "obj12345*"}}, n=3)
print("indexed exact-name lookup is %.0fx faster than the full scan" % (scan / exact))
PY

# ---- 256 MiB through dx upload/download, and curl on the mock's own URLs
head -c $((FILE_MB << 20)) /dev/urandom >"$WORK/big.bin"
MB=$FILE_MB
if [ -x "$DX" ]; then
  export DX_APISERVER_HOST=127.0.0.1 DX_APISERVER_PORT=$PORT DX_APISERVER_PROTOCOL=http DX_USER_CONF_DIR="$WORK/conf"
  export DX_SECURITY_CONTEXT='{"auth_token": "tok", "auth_token_type": "Bearer"}' DX_PROJECT_CONTEXT_ID=$PROJECT
  t0=$(date +%s.%N)
  FILE=$("$DX" upload "$WORK/big.bin" --path "$PROJECT:/big.bin" --brief --wait)
  t1=$(date +%s.%N)
  "$DX" download "$FILE" -o "$WORK/big.out" -f >/dev/null
  t2=$(date +%s.%N)
  cmp -s "$WORK/big.bin" "$WORK/big.out" && same=identical || same=DIFFERENT
  python3 -c "u=$t1-$t0; d=$t2-$t1; print('dx upload   %d MiB: %.2f s (%.0f MB/s)' % ($MB, u, $MB*1.048576/u)); print('dx download %d MiB: %.2f s (%.0f MB/s), bytes $same' % ($MB, d, $MB*1.048576/d))"
  rm -f "$WORK/big.out"
else
  echo "dx upload/download: skipped ($DX not found)"
fi
# curl: PUT the parts (a quarter of the file each, at least the 5 MiB minimum) to the upload URLs, then GET.
CFILE=$(api /file/new "{\"project\":\"$PROJECT\",\"name\":\"curl.bin\"}" | json 'd["id"]')
PART=$(((FILE_MB << 20) / 4))
[ "$PART" -ge $((5 << 20)) ] || PART=$((5 << 20))
split -b "$PART" -d -a 3 "$WORK/big.bin" "$WORK/part."
i=0
URLS=()
for part in "$WORK"/part.*; do
  i=$((i + 1))
  SIZE=$(stat -c %s "$part")
  URLS+=("$(api "/$CFILE/upload" "{\"index\":$i,\"size\":$SIZE}" | json 'd["url"]')")
done
# Time only the PUTs (the mock's side): curl's own time from connecting to the response, summed over
# the parts; not the API calls that fetched the URLs, nor starting curl. `-T` streams the part from
# the file (page cache) as the mock reads it; `--data-binary @part` would first read the whole part into
# curl's memory, and that is curl's time, not the mock's.
PUT_SECONDS=0
n=0
for part in "$WORK"/part.*; do
  took=$(curl -sf -T "$part" -H 'Content-Type: application/octet-stream' "${URLS[$n]}" -o /dev/null \
    -w '%{time_total}')
  PUT_SECONDS=$(python3 -c "print($PUT_SECONDS + $took)")
  n=$((n + 1))
done
api "/$CFILE/close" '{}' >/dev/null
URL=$(api "/$CFILE/download" '{"preauthenticated":true}' | json 'd["url"]')
SPEED=$(curl -sf "$URL" -o /dev/null -w '%{speed_download}')
python3 -c "u=$PUT_SECONDS; print('curl PUT    %d MiB in %d parts: %.2f s (%.0f MB/s; target >= 200)' % ($MB, $i, u, $MB*1.048576/u)); print('curl GET    %d MiB: %.0f MB/s (target >= 200)' % ($MB, $SPEED/1e6))"
