#!/usr/bin/env bash
# Benchmark for executions in dx-mock-server. Prints figures (never a test).
#
#   scripts/bench-executions.sh     # uses .build-release/release/dx-mock-server (builds it if missing)
# Env: DX_MOCK_SERVER_RELEASE (server binary), BENCH_RUNS (jobs run to done first, default 10000),
#      BENCH_EXECUTIONS (executions in total for the searches, default 100000), BENCH_CONNECTIONS (4).
# Runs BENCH_RUNS jobs through applet-xxxx/run to `done` (job duration 0: each is done when its run is
# answered, outputs made from the outputSpec) and reports jobs/s; tops up to BENCH_EXECUTIONS
# executions (a tenth launched by a second user, tags and states spread), then times findJobs and
# findExecutions with the common filters (project+state, launchedBy, tags, created range), each next
# to the whoami floor on the same connection. Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/mock-server.bash
SERVER=${DX_MOCK_SERVER_RELEASE:-.build-release/release/dx-mock-server}
RUNS=${BENCH_RUNS:-10000}
TOTAL=${BENCH_EXECUTIONS:-100000}
CONNECTIONS=${BENCH_CONNECTIONS:-4}
if [ ! -x "$SERVER" ]; then
  swift build -c release --scratch-path .build-release --product dx-mock-server >&2
fi
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
MOCK_SERVER_BIN=$SERVER mock_server_start "$WORK" server --token tok --user bob=tok-bob --journal-size 100 \
  --job-duration 0 --seed 1 || exit 1
SERVER_PID=$MOCK_PID
echo "== dx-mock-server execution benchmarks ($(nproc) cores, server $SERVER, load $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$MOCK_PORT" "$RUNS" "$TOTAL" "$CONNECTIONS" <<'PY'
import http.client, json, sys, threading, time
port, runs, total, connections = (int(a) for a in sys.argv[1:5])
def post(conn, path, body, token="tok"):
    conn.request("POST", path, json.dumps(body), {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = conn.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit("%s -> %d %s" % (path, r.status, data[:300]))
    return json.loads(data)
c = http.client.HTTPConnection("127.0.0.1", port)
project = post(c, "/project/new", {"name": "bench"})["id"]
post(c, "/%s/invite" % project, {"invitee": "user-bob", "level": "CONTRIBUTE"})
applet = post(c, "/applet/new", {"project": project, "name": "bench", "dxapi": "1.0.0",
    "runSpec": {"interpreter": "bash", "code": "true"},
    "inputSpec": [{"name": "i", "class": "int"}],
    "outputSpec": [{"name": "n", "class": "int"}, {"name": "s", "class": "string"}]})["id"]
def launch(start, stop, step):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(start, stop, step):
        body = {"project": project, "input": {"i": i}, "name": "run%d" % i}
        if i % 1000 == 0: body["tags"] = ["rare"]
        if i % 7 == 0: body["tags"] = body.get("tags", []) + ["weekly"]
        post(conn, "/%s/run" % applet, body, "tok-bob" if i % 10 == 3 else "tok")
def spread(start, stop):
    t0 = time.time()
    threads = [threading.Thread(target=launch, args=(start + k, stop, connections)) for k in range(connections)]
    [t.start() for t in threads]; [t.join() for t in threads]
    return time.time() - t0
seconds = spread(0, runs)
done = post(c, "/system/findJobs", {"project": project, "state": "done", "limit": 1000})
first_done = len(done["results"])
print("ran %d jobs through applet-xxxx/run to done in %.2f s: %.0f jobs/s (%d connections)" % (runs, seconds, runs / seconds, connections))
check = post(c, "/system/findJobs", {"project": project, "state": ["idle", "runnable", "running", "waiting_on_input"], "limit": 1})
print("jobs not done after the runs: %d (a first page of done jobs: %d)" % (len(check["results"]), first_done))
if total > runs:
    seconds = spread(runs, total)
    print("topped up to %d executions in %.1f s (%.0f runs/s)" % (total, seconds, (total - runs) / seconds))
# A fresh connection: the server closes connections left idle while the top-up ran.
c = http.client.HTTPConnection("127.0.0.1", port)
mid = post(c, "/system/findJobs", {"project": project, "name": "run%d" % (total // 2), "describe": {"fields": {"created": True}}})
created_mid = mid["results"][0]["describe"]["created"]
def timed(route, label, query, n=30):
    post(c, route, query)
    t = time.perf_counter()
    for _ in range(n): res = post(c, route, query)
    ms = (time.perf_counter() - t) / n * 1000
    return ms, len(res.get("results", []))
floor, _ = timed("/system/whoami", "whoami", {}, n=200)
print("floor: whoami round trip on the same connection %.3f ms" % floor)
queries = [
    ("/system/findJobs", "project+state=done (limit 100)", {"project": project, "state": "done", "limit": 100}),
    ("/system/findExecutions", "project+state=done (limit 100)", {"project": project, "state": "done", "limit": 100}),
    ("/system/findJobs", "launchedBy=user-bob (limit 100)", {"launchedBy": "user-bob", "limit": 100}),
    ("/system/findExecutions", "launchedBy=user-bob (limit 100)", {"launchedBy": "user-bob", "limit": 100}),
    ("/system/findJobs", "tags rare (1 in 1000)", {"tags": {"$and": ["rare"]}, "limit": 1000}),
    ("/system/findExecutions", "tags weekly (limit 100)", {"tags": {"$and": ["weekly"]}, "limit": 100}),
    ("/system/findJobs", "created range, 500 newest-first (limit 100)", {"project": project, "created": {"after": created_mid, "before": created_mid + 10**9}, "limit": 100}),
    ("/system/findExecutions", "created before the middle (limit 100)", {"created": {"before": created_mid}, "limit": 100}),
    ("/system/findJobs", "project+state=failed (none; limit 100)", {"project": project, "state": "failed", "limit": 100}),
    ("/system/findJobs", "project+state=done, describe (limit 100)", {"project": project, "state": "done", "limit": 100, "describe": True}),
]
worst = 0
for route, label, query in queries:
    ms, count = timed(route, label, query)
    if "describe" not in query: worst = max(worst, ms)
    print("%-22s %-44s %7.3f ms (%.1fx the floor, %d results)" % (route.split("/")[-1], label, ms, ms / floor, count))
print("slowest indexed query without describe: %.3f ms (target: at most 5 ms)" % worst)
PY
