#!/usr/bin/env bash
# Benchmarks dx-mock-server against nginx on loopback and prints the figures (not a test).
#
#   scripts/bench-server.sh            # build release, then measure
#   DURATION=10 THREADS=2 ROUNDS=5 scripts/bench-server.sh
#
# 1. Keep-alive throughput: wrk -t1 -c32 for $DURATION s against POST /system/whoami (with auth), and
#    against nginx answering `return 200` with a small JSON body, in $ROUNDS rounds (default 3) that
#    rotate which server goes first. Prints the rates of every round, then the ratio's median
#    (target >= 0.85 x nginx) beside each round's ratio: on this 2-vCPU machine either server's rate
#    moves by up to 1.5 x from one 5 s run to the next (nginx 110,000-177,000 req/s), so one pair of
#    runs can land either side of the target.
#    A third server runs in the same rounds when a C compiler is found: the libmicrohttpd floor
#    (Benchmarks/mhd-floor/mhd-floor.c: the mock's library and daemon flags answering a fixed response
#    with no code of the mock's), and the mock's rate is also printed as a multiple of its rate.
#    Below, each server's CPU time per request (user + system of the server process, or of nginx's
#    workers, from /proc over each run; the median of the rounds), their ratio, and the user and system
#    parts apart: other load on the machine moves the rates much more than it moves these, and the
#    system part (the loopback TCP work) is about the same for all three servers.
# 2. Delays: 64 connections, every request delayed 200 ms by a delay fault, for $DURATION s. Prints the
#    rate against the possible 64 / 0.2 s = 320 req/s (target >= 95 %).
# 3. Unless CALLGRIND=0 (and when valgrind is installed): instructions per whoami request under
#    `valgrind --tool=callgrind`, (I(N2) - I(N1)) / (N2 - N1) over two runs of the server answering N1
#    and N2 keep-alive requests from one blocking socket (start-up and shut-down cancel out); other load
#    on the machine cannot move these counts. CG_REQUESTS sets N2 - N1 (default 2000); CG_KEEP=dir keeps
#    both profiles there (`callgrind_annotate --inclusive=yes` on each, subtracted, gives a function's
#    instructions per request).
#
# PIN=1 runs wrk on CPU 0 and each server (every thread) on CPU 1: steadier ratios (rounds within
# 0.08 of each other, where unpinned ones spread over 0.7-1.2);
# THREADS=1 with it gives each server exactly one core.
#
# BIN=path/to/dx-mock-server measures that binary instead of building one (e.g. an older commit's).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/mock-server.bash
source scripts/lib/nginx.bash

DURATION="${DURATION:-5}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
SCRATCH="${SCRATCH:-.build-release}"
for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "bench-server: $tool is required" >&2; exit 1; }
done

if [ -z "${BIN:-}" ]; then
  echo "== building dx-mock-server (release)"
  swift build -c release --scratch-path "$SCRATCH" --product dx-mock-server 2>&1 | tail -1
  BIN="$SCRATCH/release/dx-mock-server"
fi
echo "binary: $BIN; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

WORK="$(mktemp -d)"
SERVER_PID=""
NGINX_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  [ -n "${FLOOR_PID:-}" ] && kill "$FLOOR_PID" 2>/dev/null && wait "$FLOOR_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

rate() { awk '/^Requests\/sec:/ {print $2}'; }
requests() { awk '/requests in/ {print $1}'; }
# Clock ticks of CPU time used so far by the given processes: "user system".
cpu_ticks() {
  local pid user=0 system=0 pid_user pid_system
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    read -r pid_user pid_system < <(awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$pid/stat")
    user=$((user + pid_user))
    system=$((system + pid_system))
  done
  echo "$user $system"
}
TICK="$(getconf CLK_TCK)"

# --- dx-mock-server
MOCK_SERVER_BIN=$BIN mock_server_start "$WORK" server --threads "$THREADS" --log-level error || exit 1
SERVER_PID=$MOCK_PID
PORT=$MOCK_PORT

# --- nginx with a fixed JSON answer (the floor)
nginx_start "$WORK/nginx" "$THREADS" || exit 1

# --- the libmicrohttpd floor: the same library and daemon flags answering with nothing computed
# (Benchmarks/mhd-floor/mhd-floor.c), so that the mock's own cost shows apart from the library's.
# Skipped, with a line saying so, when there is no C compiler.
FLOOR_PID=""
CC="${CC:-$(command -v cc || command -v clang || true)}"
if [ -n "$CC" ] && "$CC" -O2 -o "$WORK/mhd-floor" Benchmarks/mhd-floor/mhd-floor.c \
  $(pkg-config --cflags --libs libmicrohttpd) 2>"$WORK/mhd-floor.log"; then
  # 16 KiB: the connection memory limit of the mock's API port (HTTPDaemon.apiMemoryLimit).
  "$WORK/mhd-floor" "$THREADS" 16384 "$WORK/mhd-floor.port" 2>>"$WORK/mhd-floor.log" &
  FLOOR_PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/mhd-floor.port" ] && break; sleep 0.05; done
  if [ -s "$WORK/mhd-floor.port" ]; then
    FLOOR_PORT="$(tr -d '[:space:]' <"$WORK/mhd-floor.port")"
  else
    echo "bench-server: the libmicrohttpd floor did not start; skipped" >&2
    kill "$FLOOR_PID" 2>/dev/null || true
    FLOOR_PID=""
  fi
else
  echo "bench-server: no C compiler or the libmicrohttpd floor did not compile; skipped ($(head -1 "$WORK/mhd-floor.log" 2>/dev/null))" >&2
fi

# PIN=1: wrk on CPU 0, both servers (every thread) on CPU 1, so that the scheduler cannot put the load
# generator beside a server thread in one run and apart in the next.
WRK=(wrk)
if [ "${PIN:-0}" = 1 ]; then
  command -v taskset >/dev/null || { echo "bench-server: PIN=1 needs taskset" >&2; exit 1; }
  taskset -a -cp 1 "$SERVER_PID" >/dev/null
  for pid in "$NGINX_PID" $(pgrep -P "$NGINX_PID"); do taskset -a -cp 1 "$pid" >/dev/null; done
  [ -n "$FLOOR_PID" ] && taskset -a -cp 1 "$FLOOR_PID" >/dev/null
  WRK=(taskset -c 0 wrk)
fi

cat >"$WORK/whoami.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer dxmock-token"
LUA

echo "== warm-up"
wrk -t1 -c32 -d1s -s "$WORK/whoami.lua" "http://127.0.0.1:$PORT/system/whoami" >/dev/null
wrk -t1 -c32 -d1s -s "$WORK/whoami.lua" "http://127.0.0.1:$NGINX_PORT/system/whoami" >/dev/null
[ -n "$FLOOR_PID" ] && wrk -t1 -c32 -d1s -s "$WORK/whoami.lua" "http://127.0.0.1:$FLOOR_PORT/system/whoami" >/dev/null

echo "== keep-alive POST /system/whoami, wrk -t1 -c32 -d${DURATION}s, $ROUNDS rounds rotating which server goes first (server threads: $THREADS)"
NGINX_WORKERS="$(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
# One wrk run against one server: sets OUT, and USER_TICKS and SYSTEM_TICKS (the server's clock ticks
# over the run).
measure() {
  local url=$1 before after
  shift
  before="$(cpu_ticks "$@")"
  OUT="$("${WRK[@]}" -t1 -c32 -d"${DURATION}s" --latency -s "$WORK/whoami.lua" "$url")"
  after="$(cpu_ticks "$@")"
  USER_TICKS=$((${after% *} - ${before% *}))
  SYSTEM_TICKS=$((${after#* } - ${before#* }))
}
# One round's figures for one server: "rate user-us system-us" (CPU time per request).
figures() { # wrk output, user ticks, system ticks
  awk -v rate="$(echo "$1" | rate)" -v n="$(echo "$1" | requests)" -v u="$2" -v s="$3" -v t="$TICK" 'BEGIN {
    printf "%s %.3f %.3f", rate, (n > 0 ? 1e6 * u / t / n : 0), (n > 0 ? 1e6 * s / t / n : 0) }'
}
SIDES=(mock nginx)
[ -n "$FLOOR_PID" ] && SIDES+=(mhd)
ROUND_LINES=""
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!SIDES[@]}"; do
    side=${SIDES[$(((i + round - 1) % ${#SIDES[@]}))]}
    case $side in
      mock)
        measure "http://127.0.0.1:$PORT/system/whoami" "$SERVER_PID"
        MOCK_OUT=$OUT MOCK="$(figures "$OUT" "$USER_TICKS" "$SYSTEM_TICKS")" ;;
      nginx)
        # shellcheck disable=SC2086
        measure "http://127.0.0.1:$NGINX_PORT/system/whoami" $NGINX_WORKERS
        NGINX_OUT=$OUT NGINX="$(figures "$OUT" "$USER_TICKS" "$SYSTEM_TICKS")" ;;
      mhd)
        measure "http://127.0.0.1:$FLOOR_PORT/system/whoami" "$FLOOR_PID"
        FLOOR="$(figures "$OUT" "$USER_TICKS" "$SYSTEM_TICKS")" ;;
    esac
  done
  if echo "$MOCK_OUT" | grep -q 'Non-2xx'; then
    echo "bench-server: the mock server answered non-2xx:" >&2
    echo "$MOCK_OUT" >&2
    exit 1
  fi
  [ -n "$FLOOR_PID" ] || FLOOR="0 0 0"
  printf 'round %d: dx-mock-server %8.0f req/s (p99 %s), nginx %8.0f req/s (p99 %s)%s\n' "$round" "${MOCK%% *}" \
    "$(echo "$MOCK_OUT" | awk '$1=="99%" {print $2}')" "${NGINX%% *}" "$(echo "$NGINX_OUT" | awk '$1=="99%" {print $2}')" \
    "$([ -n "$FLOOR_PID" ] && printf ', libmicrohttpd floor %8.0f req/s' "${FLOOR%% *}")"
  ROUND_LINES+="$MOCK $NGINX $FLOOR"$'\n'
done
# The median of each column over the rounds, and the spread of the ratio.
echo -n "$ROUND_LINES" | awk -v floor="${FLOOR_PID:+1}" '
  { mr[NR] = $1; mu[NR] = $2; ms[NR] = $3; nr[NR] = $4; nu[NR] = $5; ns[NR] = $6; fr[NR] = $7; fu[NR] = $8; fs[NR] = $9
    ratio[NR] = $1 / $4; fratio[NR] = ($7 > 0 ? $1 / $7 : 0)
    mc[NR] = $2 + $3; nc[NR] = $5 + $6; fc[NR] = $8 + $9 }
  function median(a, n,   i, j, t, b) {
    for (i = 1; i <= n; i++) b[i] = a[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
    return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
  }
  function each(a, n,   i, s) { s = ""; for (i = 1; i <= n; i++) s = s sprintf("%s%.2f", i > 1 ? " / " : "", a[i]); return s }
  END {
    r = median(ratio, NR)
    printf "ratio:          %10.2f x nginx, median of %d rounds (each: %s)  (target 0.85) %s\n", r, NR, each(ratio, NR), (r >= 0.85 ? "OK" : "BELOW TARGET")
    if (floor) printf "                %10.2f x the libmicrohttpd floor (each: %s)\n", median(fratio, NR), each(fratio, NR)
    m = median(mc, NR); n = median(nc, NR)
    if (m > 0) {
      printf "CPU/request:    %10.2f us (nginx %.2f us), medians: nginx / mock = %.2f\n", m, n, n / m
      printf "  user + system: dx-mock-server %.2f + %.2f us, nginx %.2f + %.2f us", median(mu, NR), median(ms, NR), median(nu, NR), median(ns, NR)
      if (floor) printf ", libmicrohttpd floor %.2f + %.2f us", median(fu, NR), median(fs, NR)
      printf "\n"
    }
  }'

echo "== 64 connections, each request delayed 200 ms, ${DURATION}s"
curl -sf -X POST "http://127.0.0.1:$PORT/__admin/faults" -H 'Content-Type: application/json' \
  -d '{"match":{"method":"POST","path":"/system/whoami"},"fault":{"type":"delay","ms":200}}' >/dev/null
DELAY_OUT="$(wrk -t1 -c64 -d"${DURATION}s" --timeout 5s -s "$WORK/whoami.lua" "http://127.0.0.1:$PORT/system/whoami")"
DELAY_RATE="$(echo "$DELAY_OUT" | rate)"
awk -v d="$DELAY_RATE" 'BEGIN {
  p = 64 / 0.2; printf "delayed:        %10.1f req/s of a possible %.0f = %.1f %% (target 95 %%) %s\n", d, p, 100 * d / p, (d / p >= 0.95 ? "OK" : "BELOW TARGET") }'

if [ "${CALLGRIND:-1}" != "0" ]; then
  if ! command -v valgrind >/dev/null; then
    echo "callgrind: valgrind is not installed; instruction counts skipped"
    exit 0
  fi
  kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  CG_REQUESTS="${CG_REQUESTS:-2000}"
  N1=500
  N2=$((N1 + CG_REQUESTS))
  cat >"$WORK/send.py" <<'PY'
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
request = (b"POST /system/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Authorization: Bearer dxmock-token\r\nContent-Length: 2\r\n\r\n{}")
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = s.makefile("rb")
for _ in range(count):
    s.sendall(request)
    status = f.readline()
    if b" 200 " not in status:
        sys.exit("unexpected status: %r" % status)
    length = 0
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    f.read(length)
s.close()
PY
  # valgrind cannot read a release binary's debug info; a copy without it runs the same code.
  strip --strip-debug -o "$WORK/dx-mock-server" "$BIN"
  cat >"$WORK/cg-server" <<SH
#!/bin/sh
exec valgrind --tool=callgrind --callgrind-out-file="$WORK/cg-\$CG_N.out" "$WORK/dx-mock-server" "\$@"
SH
  chmod +x "$WORK/cg-server"
  cg_run() { # requests
    export CG_N=$1
    MOCK_SERVER_BIN="$WORK/cg-server" MOCK_SERVER_START_SECONDS=120 \
      mock_server_start "$WORK" "cg-$1" --threads "$THREADS" --log-level error || exit 1
    SERVER_PID=$MOCK_PID
    python3 "$WORK/send.py" "$MOCK_PORT" "$1"
    kill -INT "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    CG_TOTAL="$(awk '/^(summary|totals):/ {print $2; exit}' "$WORK/cg-$1.out")"
  }
  echo "== callgrind: instructions per keep-alive POST /system/whoami ((I($N2) - I($N1)) / $CG_REQUESTS)"
  cg_run "$N1"
  I1=$CG_TOTAL
  cg_run "$N2"
  I2=$CG_TOTAL
  awk -v a="$I1" -v b="$I2" -v n="$CG_REQUESTS" 'BEGIN {
    printf "dx-mock-server: %.0f instructions per whoami request (runs of %d and %d requests: %d and %d)\n",
      (b - a) / n, '"$N1"', '"$N2"', a, b }'
  if [ -n "${CG_KEEP:-}" ]; then cp "$WORK/cg-$N1.out" "$WORK/cg-$N2.out" "$CG_KEEP/"; fi
fi
