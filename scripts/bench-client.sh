#!/usr/bin/env bash
# Benchmark: sequential systemWhoami calls, each client beside the floor of the server it talks to.
#
# Two servers, each measured in the same run:
#   nginx           answers every request with a fixed whoami body (scripts/lib/nginx.bash): the server
#                   costs next to nothing, so what is left is the client and the wire;
#   dx-mock-server  the real mock (auth, routing, journal), what DXKit's tests talk to.
# Against each, ROUNDS interleaved rounds (the machine is shared and noisy; medians are compared) of
# N sequential calls by:
#   socket          one blocking keep-alive socket writing DXClient's request bytes (no HTTP library):
#                   the floor, the fastest any sequential client can go against that server here;
#   dxclient        DXClient.systemWhoami() as a user calls it (Swift's default executor, no opt-in);
#   dxclient+loop   the same inside DXLiveTransport.withEventLoopExecutor;
#   dxpy            dxpy.api.system_whoami() (dxpy 0.417.1, requests/urllib3).
# Against nginx also wrk -t1 -c1 (a second floor, from a C client with its own event loop).
# Targets: DXClient >= 0.5 x the socket floor against nginx, with no opt-in.
#
# Then the CPU time per call (user and system apart) of DXClient, the socket floor and dxpy, and,
# unless CALLGRIND=0 (and when valgrind is installed), instructions per call under callgrind for
# DXClient and dxpy against nginx: (I(N2) - I(N1)) / (N2 - N1) for two runs of N1 and N2 calls, which
# removes start-up, imports and warm-up. Other load on the machine cannot move these counts.
# Callgrind counts user-space instructions only: the kernel's share of a call (system calls, thread
# wake-ups) is the system CPU time printed by the CPU step.
# Target: DXClient <= 1/10 of dxpy's instructions per call.
#
# Usage: scripts/bench-client.sh [N]     (default N=2000)
# Env:   ROUNDS        interleaved rounds (default 5)
#        CALLGRIND     0 to skip the instruction counts (default 1); CG_CALLS: N2 - N1 (default 1000)
#        DXKIT_PYTHON  python with dxpy installed (default .venv/bin/python)
#        SCRATCH       SwiftPM scratch path for the build (default .build-release)
#        CONFIG        release (default) or debug (quick, unrepresentative figures)
#        BIN_DIR       measure the dx-mock-server and dxkit-bench in this directory (no build)
#        BEFORE_DIR    also time the dxkit-bench in this directory (another commit's build) in the same
#                      rounds against nginx, and its CPU time per call: before and after side by side
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
count="${1:-2000}"
rounds="${ROUNDS:-5}"
python="${DXKIT_PYTHON:-.venv/bin/python}"
scratch="${SCRATCH:-.build-release}"
config="${CONFIG:-release}"
cg_calls="${CG_CALLS:-1000}"
token="bench-token-$$"

if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then echo "bench-client: N must be a positive integer" >&2; exit 2; fi
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then echo "bench-client: ROUNDS must be a positive integer" >&2; exit 2; fi
if ! [[ "$cg_calls" =~ ^[1-9][0-9]*$ ]]; then echo "bench-client: CG_CALLS must be a positive integer" >&2; exit 2; fi
if [ ! -x "$python" ]; then echo "bench-client: no python at $python (set DXKIT_PYTHON)" >&2; exit 2; fi
if [ "$config" != release ] && [ "$config" != debug ]; then echo "bench-client: CONFIG must be release or debug" >&2; exit 2; fi
for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "bench-client: $tool is required (scripts/setup.sh --bench)" >&2; exit 2; }
done

before="${BEFORE_DIR:-}"
if [ -n "$before" ] && [ ! -x "$before/dxkit-bench" ]; then
  echo "bench-client: no dxkit-bench in BEFORE_DIR=$before" >&2
  exit 2
fi

if [ -n "${BIN_DIR:-}" ]; then
  bin=$BIN_DIR
else
  echo "building $config binaries (scratch path $scratch)..."
  swift build -c "$config" --scratch-path "$scratch" --product dx-mock-server >/dev/null
  swift build -c "$config" --scratch-path "$scratch" --product dxkit-bench >/dev/null
  bin="$(swift build -c "$config" --scratch-path "$scratch" --show-bin-path)"
fi
echo "binaries: $bin"

workdir="$(mktemp -d)"
server_pid=""
source "$root/scripts/lib/mock-server.bash"
source "$root/scripts/lib/nginx.bash"
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  nginx_stop
  rm -rf "$workdir"
}
trap cleanup EXIT

MOCK_SERVER_BIN="$bin/dx-mock-server" mock_server_start "$workdir" server --token "$token" || exit 1
server_pid=$MOCK_PID
mock_url="http://127.0.0.1:$MOCK_PORT"
nginx_start "$workdir/nginx" 1 || exit 1
nginx_url="http://127.0.0.1:$NGINX_PORT"
echo "nginx (fixed whoami body) at $nginx_url; dx-mock-server at $mock_url"
echo "$rounds interleaved rounds of $count sequential calls each; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

cat >"$workdir/dxpy_bench.py" <<'PY'
import sys, time
import dxpy
count, warmup = int(sys.argv[1]), int(sys.argv[2])
for _ in range(warmup):
    dxpy.api.system_whoami()
start = time.perf_counter()
for _ in range(count):
    assert "id" in dxpy.api.system_whoami()
seconds = time.perf_counter() - start
print("dxpy calls=%d seconds=%.3f rate=%.1f/s" % (count, seconds, count / seconds))
PY
cat >"$workdir/whoami.lua" <<LUA
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA

rate_of() { sed -n 's/.*rate=\([0-9.]*\)\/s.*/\1/p'; }
swift_run() { # url, flags...
  local url=$1
  shift
  "$bin/dxkit-bench" client --url "$url" --token "$token" "$@" | rate_of
}
before_run() { # url, flags...
  local url=$1
  shift
  "$before/dxkit-bench" client --url "$url" --token "$token" "$@" | rate_of
}
python_env() { # port, command...
  local port=$1
  shift
  DX_APISERVER_PROTOCOL=http DX_APISERVER_HOST=127.0.0.1 DX_APISERVER_PORT="$port" \
    DX_SECURITY_CONTEXT="{\"auth_token_type\": \"Bearer\", \"auth_token\": \"$token\"}" \
    DX_USER_CONF_DIR="$workdir/dxconf" PYTHONHASHSEED=0 "$@"
}
python_run() { python_env "$1" "$python" "$workdir/dxpy_bench.py" "$count" 50 | rate_of; }

for server in nginx mock; do
  : >"$workdir/rates-$server"
done
: >"$workdir/rates-before"
for round in $(seq 1 "$rounds"); do
  for server in nginx mock; do
    if [ "$server" = nginx ]; then url=$nginx_url port=$NGINX_PORT; else url=$mock_url port=$MOCK_PORT; fi
    socket="$(swift_run "$url" --count "$count" --mode socket)"
    dxclient="$(swift_run "$url" --count "$count" --mode dxclient)"
    loop="$(swift_run "$url" --count "$count" --mode dxclient --event-loop-executor)"
    dxpy="$(python_run "$port")"
    wrk1=0
    if [ "$server" = nginx ]; then
      wrk1="$(wrk -t1 -c1 -d2s -s "$workdir/whoami.lua" "$url/system/whoami" | awk '/^Requests\/sec:/ {print $2}')"
    fi
    printf 'round %d %-5s: socket %9.1f  dxclient %8.1f  dxclient+loop %8.1f  dxpy %7.1f calls/s' \
      "$round" "$server" "$socket" "$dxclient" "$loop" "$dxpy"
    [ "$server" = nginx ] && printf '  wrk -c1 %9.1f req/s' "$wrk1"
    printf '\n'
    if [ -n "$before" ] && [ "$server" = nginx ]; then
      b_dxclient="$(before_run "$url" --count "$count" --mode dxclient)"
      b_loop="$(before_run "$url" --count "$count" --mode dxclient --event-loop-executor)"
      printf 'round %d nginx, BEFORE_DIR binary: dxclient %8.1f  dxclient+loop %8.1f calls/s\n' \
        "$round" "$b_dxclient" "$b_loop"
      echo "$socket $b_dxclient $b_loop" >>"$workdir/rates-before"
    fi
    echo "$socket $dxclient $loop $dxpy $wrk1" >>"$workdir/rates-$server"
  done
done

ahc="$(swift_run "$mock_url" --count "$count" --mode dxclient --engine asyncHTTPClient)"
printf 'DXClient with async-http-client for every request (dx-mock-server): %.1f calls/s\n' "$ahc"

python3 - "$workdir/rates-nginx" "$workdir/rates-mock" "$workdir/rates-before" <<'PY'
import statistics, sys
before = [list(map(float, line.split())) for line in open(sys.argv[3]) if line.strip()]
if before:
    ratio = lambda i: statistics.median(row[i] / row[0] for row in before)
    print("== BEFORE_DIR binary against nginx (medians of %d rounds, same rounds and floor)" % len(before))
    print("  DXClient / floor %.2f, on the loop %.2f" % (ratio(1), ratio(2)))
for name, path in (("nginx", sys.argv[1]), ("dx-mock-server", sys.argv[2])):
    rows = [list(map(float, line.split())) for line in open(path) if line.strip()]
    socket, dxclient, loop, dxpy, wrk1 = (statistics.median(column) for column in zip(*rows))
    ratio = lambda i, j: statistics.median(row[i] / row[j] for row in rows)
    print("== against %s (medians of %d rounds)" % (name, len(rows)))
    print("  calls/s: socket floor %.1f, DXClient %.1f, DXClient on the event loop %.1f, dxpy %.1f%s"
          % (socket, dxclient, loop, dxpy, ", wrk -c1 %.1f" % wrk1 if wrk1 else ""))
    print("  us/call: socket floor %.1f, DXClient %.1f (%.1f over the floor), on the loop %.1f, dxpy %.1f"
          % (1e6 / socket, 1e6 / dxclient, 1e6 / dxclient - 1e6 / socket, 1e6 / loop, 1e6 / dxpy))
    print("  DXClient / floor %.2f, on the loop %.2f, dxpy / floor %.2f; DXClient / dxpy %.2fx"
          % (ratio(1, 0), ratio(2, 0), ratio(3, 0), ratio(1, 3)))
    if name == "nginx":
        r = ratio(1, 0)
        print("  target: DXClient (default executor) >= 0.50 x the floor against nginx: %.2f %s"
              % (r, "MET" if r >= 0.5 else "NOT MET"))
PY

# CPU seconds per call (user + system of the whole client process, every thread), from two runs of
# N1 and N2 calls: (T(N2) - T(N1)) / (N2 - N1). Other processes on the machine move this far less than
# the wall clock (they take the CPU away, they do not add to this process's time).
cpu_n1=200
cpu_n2=$((cpu_n1 + cg_calls * 4))
# Each measure is "user system" seconds.
cpu_of() { /usr/bin/time -f "%U %S" -o "$workdir/time" "$@" >/dev/null 2>&1; cat "$workdir/time"; }
echo "== CPU time per systemWhoami against nginx ((T($cpu_n2) - T($cpu_n1)) / $((cpu_n2 - cpu_n1)), user + system)"
c_swift1="$(cpu_of "$bin/dxkit-bench" client --url "$nginx_url" --token "$token" --count "$cpu_n1" --warmup 50 --mode dxclient)"
c_swift2="$(cpu_of "$bin/dxkit-bench" client --url "$nginx_url" --token "$token" --count "$cpu_n2" --warmup 50 --mode dxclient)"
c_loop1="$(cpu_of "$bin/dxkit-bench" client --url "$nginx_url" --token "$token" --count "$cpu_n1" --warmup 50 --mode dxclient --event-loop-executor)"
c_loop2="$(cpu_of "$bin/dxkit-bench" client --url "$nginx_url" --token "$token" --count "$cpu_n2" --warmup 50 --mode dxclient --event-loop-executor)"
c_socket1="$(cpu_of "$bin/dxkit-bench" client --url "$nginx_url" --token "$token" --count "$cpu_n1" --warmup 50 --mode socket)"
c_socket2="$(cpu_of "$bin/dxkit-bench" client --url "$nginx_url" --token "$token" --count "$cpu_n2" --warmup 50 --mode socket)"
python_cpu() { # calls
  cpu_of env DX_APISERVER_PROTOCOL=http DX_APISERVER_HOST=127.0.0.1 DX_APISERVER_PORT="$NGINX_PORT" \
    DX_SECURITY_CONTEXT="{\"auth_token_type\": \"Bearer\", \"auth_token\": \"$token\"}" \
    DX_USER_CONF_DIR="$workdir/dxconf" PYTHONHASHSEED=0 "$python" "$workdir/dxpy_bench.py" "$1" 50
}
c_py1="$(python_cpu "$cpu_n1")"
c_py2="$(python_cpu "$cpu_n2")"
if [ -n "$before" ]; then
  c_before1="$(cpu_of "$before/dxkit-bench" client --url "$nginx_url" --token "$token" --count "$cpu_n1" --warmup 50 --mode dxclient)"
  c_before2="$(cpu_of "$before/dxkit-bench" client --url "$nginx_url" --token "$token" --count "$cpu_n2" --warmup 50 --mode dxclient)"
  awk -v b1="$c_before1" -v b2="$c_before2" -v n="$((cpu_n2 - cpu_n1))" 'BEGIN {
    split(b1, x, " "); split(b2, y, " ")
    printf "CPU us per call, BEFORE_DIR binary: DXClient %.1f (user %.1f, system %.1f)\n",
      (y[1] + y[2] - x[1] - x[2]) / n * 1e6, (y[1] - x[1]) / n * 1e6, (y[2] - x[2]) / n * 1e6 }'
fi
awk -v s1="$c_swift1" -v s2="$c_swift2" -v l1="$c_loop1" -v l2="$c_loop2" -v k1="$c_socket1" -v k2="$c_socket2" -v p1="$c_py1" -v p2="$c_py2" \
  -v n="$((cpu_n2 - cpu_n1))" '
  function per(a, b, i,   x, y) { split(a, x, " "); split(b, y, " "); return (y[i] - x[i]) / n * 1e6 }
  BEGIN {
  s = per(s1, s2, 1) + per(s1, s2, 2); k = per(k1, k2, 1) + per(k1, k2, 2); p = per(p1, p2, 1) + per(p1, p2, 2)
  printf "CPU us per call: socket floor %.1f, DXClient %.1f, dxpy %.1f; DXClient / dxpy = 1/%.1f\n", k, s, p, p / s
  printf "  of which system (kernel) time: socket floor %.1f, DXClient %.1f, dxpy %.1f us per call\n",
    per(k1, k2, 2), per(s1, s2, 2), per(p1, p2, 2)
  printf "  DXClient inside withEventLoopExecutor (no thread hops): %.1f (system %.1f) us per call\n",
    per(l1, l2, 1) + per(l1, l2, 2), per(l1, l2, 2) }'

if [ "${CALLGRIND:-1}" != "0" ]; then
  if ! command -v valgrind >/dev/null; then
    echo "callgrind: valgrind is not installed (scripts/setup.sh --bench); instruction counts skipped"
    exit 0
  fi
  n1=200
  n2=$((n1 + cg_calls))
  echo "== callgrind: instructions per systemWhoami against nginx ((I($n2) - I($n1)) / $cg_calls)"
  echo "   (user-space instructions only: the kernel's part of a call is the system time above)"
  # A copy of the binary without its debug info, and a preloaded sigsuspend wrapper: the two things
  # valgrind 3.19 needs to run dxkit-bench (scripts/lib/callgrind.bash says why).
  source "$root/scripts/lib/callgrind.bash"
  mkdir -p "$workdir/cg"
  if ! callgrind_prepare "$workdir/cg" "$bin" 2>/dev/null; then
    echo "callgrind: this valgrind ($(valgrind --version)) cannot run dxkit-bench (no C compiler for the"
    echo "   sigsuspend wrapper?); the CPU time above stands in"
    exit 0
  fi
  cg_preload=$CALLGRIND_PRELOAD
  total() { awk '/^(summary|totals):/ {print $2; exit}' "$1"; }
  cg_swift() { # calls, mode[, binary]
    LD_PRELOAD="$cg_preload" valgrind --tool=callgrind --callgrind-out-file="$workdir/cg-$2-$1.out" \
      "${3:-$CALLGRIND_BIN}" client \
      --url "$nginx_url" --token "$token" --count "$1" --warmup 50 --mode "$2" >/dev/null 2>&1
    total "$workdir/cg-$2-$1.out"
  }
  if [ -n "$before" ]; then
    strip --strip-debug -o "$workdir/dxkit-bench-before" "$before/dxkit-bench"
    b1="$(cg_swift "$n1" dxclient "$workdir/dxkit-bench-before")"
    b2="$(cg_swift "$n2" dxclient "$workdir/dxkit-bench-before")"
    awk -v b1="$b1" -v b2="$b2" -v n="$cg_calls" 'BEGIN {
      printf "BEFORE_DIR binary: DXClient %.0f instructions per call\n", (b2 - b1) / n }'
  fi
  cg_python() { # calls
    python_env "$NGINX_PORT" valgrind --tool=callgrind --callgrind-out-file="$workdir/cg-python-$1.out" \
      "$python" "$workdir/dxpy_bench.py" "$1" 50 >/dev/null 2>&1
    total "$workdir/cg-python-$1.out"
  }
  s1="$(cg_swift "$n1" dxclient)"
  s2="$(cg_swift "$n2" dxclient)"
  k1="$(cg_swift "$n1" socket)"
  k2="$(cg_swift "$n2" socket)"
  p1="$(cg_python "$n1")"
  p2="$(cg_python "$n2")"
  awk -v s1="$s1" -v s2="$s2" -v k1="$k1" -v k2="$k2" -v p1="$p1" -v p2="$p2" -v n="$cg_calls" 'BEGIN {
    s = (s2 - s1) / n; k = (k2 - k1) / n; p = (p2 - p1) / n
    printf "DXClient: %.0f instructions per call; dxpy: %.0f; socket floor: %.0f\n", s, p, k
    printf "DXClient / dxpy = 1/%.1f (target <= 1/10): %s\n", p / s, (p / s >= 10 ? "MET" : "NOT MET") }'
  if [ -n "${CG_KEEP:-}" ]; then cp "$workdir"/cg-dxclient-"$n2".out "$workdir"/cg-python-"$n2".out "$CG_KEEP"/; fi
fi
