#!/usr/bin/env bash
# Benchmark: DXCore's bindings against dxpy 0.417.1's on the same dx-mock-server, in the same run, with
# the floor beside them. Prints figures (never a test).
#
#   upload/download  SIZES (default 256 MiB and 1 GiB): DXFile.upload(contentsOf:) and
#                    DXFile.download(to:) vs dxpy.upload_local_file and dxpy.download_dxfile (both with
#                    their defaults: 16 MiB parts and chunks; DXFile 4 in flight, dxpy min(cores, 8)
#                    threads). Floor: curl PUTting the same 16 MiB parts, 4 at once, to the mock's
#                    upload URLs; one curl GET of the whole file; and curl GETting the file's 16 MiB
#                    parts as ranges, 4 at once (what both clients do). MB/s each, ratios, and the peak
#                    RSS (VmHWM) of the Swift process for each size.
#   find             OBJECTS (default 100,000) records; iterating findDataObjects over them with
#                    DXClient.findDataObjects vs dxpy.find_data_objects. Floor: the same pages fetched
#                    with client.systemFindDataObjects and counted in the JSON (no typed results).
#
# Usage: scripts/bench-bindings.sh
# Env:   SIZES_MB      sizes to transfer (default "256 1024")
#        OBJECTS       records for the find benchmark (default 100000)
#        DXKIT_PYTHON  python with dxpy installed (default .venv/bin/python)
#        SCRATCH       SwiftPM scratch path for the build (default .build-release)
#        CONFIG        release (default) or debug (quick, unrepresentative figures)
#        BIN           a directory holding dx-mock-server and dxkit-bench built elsewhere (e.g. an
#                      older commit's); nothing is built
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
sizes="${SIZES_MB:-256 1024}"
objects="${OBJECTS:-100000}"
python="${DXKIT_PYTHON:-.venv/bin/python}"
scratch="${SCRATCH:-.build-release}"
config="${CONFIG:-release}"
token="bench-token-$$"
for tool in curl md5sum /usr/bin/time; do command -v "$tool" >/dev/null || { echo "bench-bindings: needs $tool" >&2; exit 2; }; done
if [ ! -x "$python" ]; then echo "bench-bindings: no python at $python (set DXKIT_PYTHON)" >&2; exit 2; fi
if ! [[ "$objects" =~ ^[1-9][0-9]*$ ]]; then echo "bench-bindings: OBJECTS must be a positive integer" >&2; exit 2; fi

if [ "$config" != release ] && [ "$config" != debug ]; then echo "bench-bindings: CONFIG must be release or debug" >&2; exit 2; fi
if [ -n "${BIN:-}" ]; then
  bin="$BIN"
  echo "binaries from $bin (not built)"
else
  echo "building $config binaries (scratch path $scratch)..."
  swift build -c "$config" --scratch-path "$scratch" --product dx-mock-server >/dev/null
  swift build -c "$config" --scratch-path "$scratch" --product dxkit-bench >/dev/null
  bin="$(swift build -c "$config" --scratch-path "$scratch" --show-bin-path)"
fi

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

source "$root/scripts/lib/mock-server.bash"
MOCK_SERVER_BIN="$bin/dx-mock-server" mock_server_start "$workdir" server --token "$token" --journal-size 100 || exit 1
server_pid=$MOCK_PID
port=$MOCK_PORT
base="http://127.0.0.1:$port"
api() { curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "$2" "$base$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
export DX_APISERVER_PROTOCOL=http DX_APISERVER_HOST=127.0.0.1 DX_APISERVER_PORT="$port"
export DX_SECURITY_CONTEXT="{\"auth_token_type\": \"Bearer\", \"auth_token\": \"$token\"}"
export DX_USER_CONF_DIR="$workdir/dxconf"
unset DX_JOB_ID DX_WORKSPACE_ID DX_PROJECT_CONTEXT_ID || true
project="$(api /project/new '{"name":"bench-bindings"}' | json 'd["id"]')"
swift_bench() { "$bin/dxkit-bench" bindings "$@" --url "$base" --token "$token" --project "$project"; }
# The same command as words, for cpu_timed (which cannot run a shell function).
swift_words() { echo "$bin/dxkit-bench bindings $* --url $base --token $token --project $project"; }
echo "dx-mock-server at $base ($(nproc) cores); project $project; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

cat >"$workdir/dxpy_files.py" <<'PY'
import os, sys, time
import dxpy
mode, project, arg = sys.argv[1], sys.argv[2], sys.argv[3]
dxpy.set_workspace_id(project)
dxpy.set_project_context(project)
start = time.perf_counter()
if mode == "upload":
    handler = dxpy.upload_local_file(arg, project=project)
    size, extra = os.path.getsize(arg), " id=" + handler.get_id()
else:
    dxpy.download_dxfile(arg, sys.argv[4], project=project)
    size, extra = os.path.getsize(sys.argv[4]), ""
seconds = time.perf_counter() - start
print("%s bytes=%d seconds=%.3f rate=%.1fMB/s%s" % (mode, size, seconds, size / 1e6 / seconds, extra))
PY

# curl floor for one file: PUT its 16 MiB parts, 4 at once, to the mock's upload URLs (wall time from
# the first PUT to the last response), then one GET of the whole file, then the parts as ranged GETs,
# 4 at once (wall time).
curl_floor() {
  local file="$1" size="$2" parts_dir="$workdir/parts" id i
  rm -rf "$parts_dir" && mkdir -p "$parts_dir"
  split -b $((16 << 20)) -d -a 4 "$file" "$parts_dir/part."
  id="$(api /file/new "{\"project\":\"$project\",\"name\":\"curl.bin\"}" | json 'd["id"]')"
  i=0
  : >"$workdir/puts"
  for part in "$parts_dir"/part.*; do
    i=$((i + 1))
    echo "$part $(api "/$id/upload" "{\"index\":$i,\"size\":$(stat -c %s "$part")}" | json 'd["url"]')" >>"$workdir/puts"
  done
  local t0 t1
  t0=$(date +%s.%N)
  xargs -P 4 -L 1 sh -c 'curl -sf -T "$0" -H "Content-Type: application/octet-stream" "$1" -o /dev/null' \
    <"$workdir/puts"
  t1=$(date +%s.%N)
  api "/$id/close" '{}' >/dev/null
  local url speed
  url="$(api "/$id/download" '{"preauthenticated":true}' | json 'd["url"]')"
  speed="$(curl -sf "$url" -o /dev/null -w '%{speed_download}')"
  local r0 r1 start
  : >"$workdir/ranges"
  for ((start = 0; start < size; start += 16 << 20)); do
    echo "bytes=$start-$((start + (16 << 20) - 1)) $url" >>"$workdir/ranges"
  done
  r0=$(date +%s.%N)
  xargs -P 4 -L 1 sh -c 'curl -sf -H "Range: $0" "$1" -o /dev/null' <"$workdir/ranges"
  r1=$(date +%s.%N)
  rm -rf "$parts_dir"
  api "/$project/removeObjects" "{\"objects\":[\"$id\"]}" >/dev/null
  python3 -c "print('%.1f %.1f %.1f' % ($size / 1e6 / ($t1 - $t0), $speed / 1e6, $size / 1e6 / ($r1 - $r0)))"
}

# Runs a command, keeping its CPU time and the server's over the same span under NAME (cpu_of NAME
# client|server prints them, in seconds).
server_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
cpu_timed() {
  local name="$1" before
  shift
  before="$(server_ticks)"
  /usr/bin/time -f '%U %S' -o "$workdir/cpu.$name" "$@"
  echo "$before $(server_ticks)" >"$workdir/server.$name"
}
cpu_of() {
  if [ "$2" = client ]; then
    awk '{printf "%.2f", $1 + $2}' "$workdir/cpu.$1"
  else
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($2 - $1) / hz}' "$workdir/server.$1"
  fi
}

: >"$workdir/results"
for mb in $sizes; do
  echo
  echo "== $mb MiB"
  file="$workdir/data-$mb.bin"
  head -c $((mb << 20)) /dev/urandom >"$file"
  size=$((mb << 20))
  read -r floor_up floor_down floor_ranges <<<"$(curl_floor "$file" "$size")"
  up="$(cpu_timed up_swift $(swift_words upload --file "$file"))"
  swift_id="$(echo "$up" | field id)"
  down="$(cpu_timed down_swift $(swift_words download --id "$swift_id" --out "$workdir/swift.out"))"
  cmp -s "$file" "$workdir/swift.out" && same_swift=identical || same_swift=DIFFERENT
  rm -f "$workdir/swift.out"
  py_up="$(cpu_timed up_py "$python" "$workdir/dxpy_files.py" upload "$project" "$file")"
  py_id="$(echo "$py_up" | field id)"
  py_down="$(cpu_timed down_py "$python" "$workdir/dxpy_files.py" download "$project" "$py_id" "$workdir/py.out")"
  cmp -s "$file" "$workdir/py.out" && same_py=identical || same_py=DIFFERENT
  rm -f "$workdir/py.out"
  api "/$project/removeObjects" "{\"objects\":[\"$swift_id\",\"$py_id\"]}" >/dev/null
  rm -f "$file"
  printf 'floor (curl)  upload %8.1f MB/s   download %8.1f MB/s (one GET), %.1f MB/s (16 MiB ranges, 4 at once)\n' \
    "$floor_up" "$floor_down" "$floor_ranges"
  printf 'DXFile        upload %8s MB/s   download %8s MB/s   peak RSS upload %s MiB, download %s MiB (bytes %s)\n' \
    "$(echo "$up" | field rate | tr -d 'MB/s')" "$(echo "$down" | field rate | tr -d 'MB/s')" \
    "$(( $(echo "$up" | field peak_rss_kib) / 1024 ))" "$(( $(echo "$down" | field peak_rss_kib) / 1024 ))" "$same_swift"
  printf 'dxpy          upload %8s MB/s   download %8s MB/s   (bytes %s)\n' \
    "$(echo "$py_up" | field rate | tr -d 'MB/s')" "$(echo "$py_down" | field rate | tr -d 'MB/s')" "$same_py"
  printf 'CPU seconds (user+system; load does not move them): client upload DXFile %s, dxpy %s; download DXFile %s, dxpy %s\n' \
    "$(cpu_of up_swift client)" "$(cpu_of up_py client)" "$(cpu_of down_swift client)" "$(cpu_of down_py client)"
  printf '             the server during each: upload DXFile %s, dxpy %s; download DXFile %s, dxpy %s\n' \
    "$(cpu_of up_swift server)" "$(cpu_of up_py server)" "$(cpu_of down_swift server)" "$(cpu_of down_py server)"
  echo "$mb $floor_up $floor_ranges $(echo "$up" | field rate | tr -d 'MB/s') $(echo "$down" | field rate | tr -d 'MB/s') $(echo "$py_up" | field rate | tr -d 'MB/s') $(echo "$py_down" | field rate | tr -d 'MB/s') $(echo "$up" | field peak_rss_kib) $(echo "$down" | field peak_rss_kib)" >>"$workdir/results"
done

echo
echo "== findDataObjects over $objects records"
swift_bench populate --count "$objects" | sed 's/^/  /'
floor_find="$(cpu_timed find_raw $(swift_words find --raw))"
swift_find="$(cpu_timed find_swift $(swift_words find))"
cat >"$workdir/dxpy_find.py" <<'PY'
import sys, time
import dxpy
project = sys.argv[1]
start = time.perf_counter()
count = sum(1 for _ in dxpy.find_data_objects(project=project))
seconds = time.perf_counter() - start
print("find results=%d seconds=%.3f rate=%.1f/s" % (count, seconds, count / seconds))
PY
py_find="$(cpu_timed find_py "$python" "$workdir/dxpy_find.py" "$project")"
printf 'floor (raw pages)  %s results in %ss\n' "$(echo "$floor_find" | field results)" "$(echo "$floor_find" | field seconds)"
printf 'DXClient           %s results in %ss (peak RSS %s MiB)\n' "$(echo "$swift_find" | field results)" \
  "$(echo "$swift_find" | field seconds)" "$(( $(echo "$swift_find" | field peak_rss_kib) / 1024 ))"
printf 'dxpy               %s results in %ss\n' "$(echo "$py_find" | field results)" "$(echo "$py_find" | field seconds)"
printf 'CPU seconds: client raw pages %s, DXClient %s, dxpy %s; the server during each %s, %s, %s\n' \
  "$(cpu_of find_raw client)" "$(cpu_of find_swift client)" "$(cpu_of find_py client)" \
  "$(cpu_of find_raw server)" "$(cpu_of find_swift server)" "$(cpu_of find_py server)"

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$workdir/results" "$(echo "$floor_find" | field seconds)" "$(echo "$swift_find" | field seconds)" \
  "$(echo "$py_find" | field seconds)" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
floor_find, swift_find, py_find = map(float, sys.argv[2:5])
print("summary")
for mb, fu, fd, su, sd, pu, pd, rss_up, rss_down in rows:
    fu, fd, su, sd, pu, pd = map(float, (fu, fd, su, sd, pu, pd))
    print("  %5s MiB: DXFile/dxpy upload %.2fx, download %.2fx (target >= 3x); DXFile/floor upload %.2f, "
          "download %.2f (of the ranged GETs); peak RSS upload %d MiB, download %d MiB (target flat, <= 256 MiB)"
          % (mb, su / pu, sd / pd, su / fu, sd / fd, int(rss_up) // 1024, int(rss_down) // 1024))
print("  findDataObjects: DXClient/dxpy %.2fx (target >= 5x); floor/DXClient time %.2f"
      % (py_find / swift_find, floor_find / swift_find))
PY
