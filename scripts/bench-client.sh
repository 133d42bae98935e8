#!/usr/bin/env bash
# Benchmark: N sequential systemWhoami calls with DXClient vs N sequential dxpy.api.system_whoami()
# calls against the same dx-mock-server. Prints both rates and the ratio (target: DXKit >= 5x dxpy).
#
# Usage: scripts/bench-client.sh [N]     (default N=2000)
# Env:   DXKIT_PYTHON  python with dxpy installed (default .venv/bin/python)
#        SCRATCH       SwiftPM scratch path for the build (default .build-release)
#        CONFIG        release (default) or debug (quick, unrepresentative figures)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
count="${1:-2000}"
python="${DXKIT_PYTHON:-.venv/bin/python}"
scratch="${SCRATCH:-.build-release}"
config="${CONFIG:-release}"
token="bench-token-$$"

if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then echo "bench-client: N must be a positive integer" >&2; exit 2; fi
if [ ! -x "$python" ]; then echo "bench-client: no python at $python (set DXKIT_PYTHON)" >&2; exit 2; fi

if [ "$config" != release ] && [ "$config" != debug ]; then echo "bench-client: CONFIG must be release or debug" >&2; exit 2; fi
echo "building $config binaries (scratch path $scratch)..."
swift build -c "$config" --scratch-path "$scratch" --product dx-mock-server >/dev/null
swift build -c "$config" --scratch-path "$scratch" --product dxkit-bench >/dev/null
bin="$(swift build -c "$config" --scratch-path "$scratch" --show-bin-path)"

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

"$bin/dx-mock-server" --port 0 --port-file "$workdir/port" --token "$token" >"$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$workdir/port" ] && break
  sleep 0.1
done
if [ ! -s "$workdir/port" ]; then echo "bench-client: dx-mock-server did not start" >&2; cat "$workdir/server.log" >&2; exit 1; fi
port="$(tr -d '[:space:]' <"$workdir/port")"
url="http://127.0.0.1:$port"
echo "dx-mock-server at $url; $count sequential calls each"

swift_line="$("$bin/dxkit-bench" client --url "$url" --token "$token" --count "$count")"
echo "$swift_line"
swift_rate="$(sed -n 's/.*rate=\([0-9.]*\)\/s.*/\1/p' <<<"$swift_line")"

python_line="$(DX_APISERVER_PROTOCOL=http DX_APISERVER_HOST=127.0.0.1 DX_APISERVER_PORT="$port" \
  DX_SECURITY_CONTEXT="{\"auth_token_type\": \"Bearer\", \"auth_token\": \"$token\"}" \
  DX_USER_CONF_DIR="$workdir/dxconf" "$python" - "$count" <<'PY'
import sys, time
import dxpy
count = int(sys.argv[1])
for _ in range(min(50, count)):
    dxpy.api.system_whoami()
start = time.perf_counter()
for _ in range(count):
    assert "id" in dxpy.api.system_whoami()
seconds = time.perf_counter() - start
print("dxpy-client calls=%d seconds=%.3f rate=%.1f/s" % (count, seconds, count / seconds))
PY
)"
echo "$python_line"
python_rate="$(sed -n 's/.*rate=\([0-9.]*\)\/s.*/\1/p' <<<"$python_line")"

python3 - "$swift_rate" "$python_rate" <<'PY'
import sys
swift, python = float(sys.argv[1]), float(sys.argv[2])
ratio = swift / python if python > 0 else float("inf")
print("DXClient %.1f calls/s, dxpy %.1f calls/s, ratio %.2fx (target >= 5x): %s"
      % (swift, python, ratio, "met" if ratio >= 5 else "NOT met"))
PY
