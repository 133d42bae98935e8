#!/usr/bin/env bash
# Benchmark: `dxcassette import` of a 10,000-interaction VCR.py cassette and of a 10,000-entry HAR file
# (parse, redact and scan every interaction, write the indexed SQLite cassette), in seconds, beside
# VCR.py's own load time of the same YAML file and Python's json.load of the same HAR, in the same run.
# Then a timed replay (timing: .recorded(scale: 0.5)) of 40 interactions against its recorded latencies
# (target: within 10%).
#
# Usage: scripts/bench-cassette-import.sh [N]   (default 10000)
# Env:   DXKIT_PYTHON  python with vcrpy (default .venv/bin/python)
#        SCRATCH       SwiftPM scratch path for the release build (default .build-release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
count="${1:-10000}"
python="${DXKIT_PYTHON:-.venv/bin/python}"
scratch="${SCRATCH:-.build-release}"
if [ ! -x "$python" ]; then echo "bench-cassette-import: no python at $python (set DXKIT_PYTHON)" >&2; exit 2; fi

echo "building release dxkit-bench (scratch path $scratch)..."
swift build -c release --scratch-path "$scratch" --product dxkit-bench >/dev/null
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

work=$(mktemp -d "${TMPDIR:-/tmp}/dx-import-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo
echo "== VCR.py (vcrpy writes the YAML; its own load time) and the HAR (json.load), $count each =="
py_output="$("$python" scripts/bench_cassette_import_vcrpy.py "$work" "$count")"
echo "$py_output"
yaml_path="$(sed -n 's/^vcrpy_path=//p' <<<"$py_output")"
har_path="$(sed -n 's/^har_path=//p' <<<"$py_output")"

echo
echo "== dxcassette import (best of 3) =="
swift_output="$("$bin/dxkit-bench" cassette-import --vcrpy "$yaml_path" --har "$har_path")"
echo "$swift_output"

echo
echo "== timed replay (recorded latencies x 0.5, system clock) =="
timing_output="$("$bin/dxkit-bench" cassette-timing)"
echo "$timing_output"

echo
"$python" - "$py_output" "$swift_output" <<'PY'
import sys
values = {}
for line in (sys.argv[1] + "\n" + sys.argv[2]).split():
    if "=" in line:
        key, value = line.split("=", 1)
        values[key] = value
vcr_load = float(values["vcrpy_load_s"])
har_load = float(values["har_json_load_s"])
print(f"VCR.py cassette, {values['vcrpy_interactions']} interactions ({int(values['vcrpy_bytes']) // 1024} KiB): "
      f"dxcassette import {float(values['vcrpy_import_s']):.2f} s (parse {float(values['vcrpy_parse_s']):.2f} s), "
      f"VCR.py's own load {vcr_load:.2f} s: import / load = {float(values['vcrpy_import_s']) / vcr_load:.2f}")
print(f"HAR, {values['har_interactions']} entries ({int(values['har_bytes']) // 1024} KiB): "
      f"dxcassette import {float(values['har_import_s']):.2f} s (parse {float(values['har_parse_s']):.2f} s), "
      f"Python json.load {har_load:.2f} s: import / json.load = {float(values['har_import_s']) / har_load:.2f}")
PY
