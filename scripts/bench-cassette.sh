#!/usr/bin/env bash
# Benchmark: DXKit cassettes of 1,000 / 10,000 / 100,000 interactions (open time, per-request replay
# through DXReplayTransport alone and through DXClient over it) and, in the same run, VCR.py 9.x
# (libyaml) replaying 1,000 equivalent requests made with urllib3. Prints the figures and the ratio at
# 1,000 (client to client: DXClient over DXReplayTransport against urllib3 under VCR.py).
# Targets: DXClient over replay <= 20 us/request, flat from 1,000 to 100,000; open < 10 ms at 100,000;
# >= 1,000x VCR.py at 1,000.
#
# Usage: scripts/bench-cassette.sh
# Env:   DXKIT_PYTHON  python with vcrpy and urllib3 (default .venv/bin/python)
#        SCRATCH       SwiftPM scratch path for the release build (default .build-release)
#        BIN_DIR       measure the dxkit-bench in this directory (no build)
#        BEFORE_DIR    also run the dxkit-bench in this directory (another commit's build) right after,
#                      same sizes, for a before/after table from one run
#        CALLGRIND     0 to skip the instruction counts (default 1, when valgrind is installed): the
#                      instructions per replayed request under callgrind, (I(1,000) - I(1)) / 2,047 for
#                      runs of `cassette --sizes 1000 --requests 1000` and `--requests 1` (the same build
#                      and open; 50 + 1,000 + 1,000 requests against 3), for BIN_DIR and BEFORE_DIR.
#                      Other load cannot move these counts (user space only: system calls are not in them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
python="${DXKIT_PYTHON:-.venv/bin/python}"
scratch="${SCRATCH:-.build-release}"
if [ ! -x "$python" ]; then echo "bench-cassette: no python at $python (set DXKIT_PYTHON)" >&2; exit 2; fi


if [ -n "${BIN_DIR:-}" ]; then
  bin=$BIN_DIR
else
  echo "building release dxkit-bench (scratch path $scratch)..."
  swift build -c release --scratch-path "$scratch" --product dxkit-bench >/dev/null
  bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"
fi
echo "binaries: $bin; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== DXKit cassettes (SQLite, indexed) =="
"$bin/dxkit-bench" cassette
if [ -n "${BEFORE_DIR:-}" ]; then
  echo
  echo "== the same with the BEFORE_DIR binary ($BEFORE_DIR/dxkit-bench) =="
  "$BEFORE_DIR/dxkit-bench" cassette
fi
swift_line="$("$bin/dxkit-bench" cassette --sizes 1000 --machine)"
swift_us="$(sed -n 's/.*replay_us=\([0-9.]*\).*/\1/p' <<<"$swift_line")"
client_us="$(sed -n 's/.* client_us=\([0-9.]*\).*/\1/p' <<<"$swift_line")"
client_cpu_us="$(sed -n 's/.*client_cpu_us=\([0-9.]*\).*/\1/p' <<<"$swift_line")"

echo
echo "== VCR.py (YAML, libyaml), 1,000 requests with urllib3 =="
vcr_output="$("$python" scripts/bench_cassette_vcrpy.py 1000)"
echo "$vcr_output"
vcr_us="$(sed -n 's/^vcr_replay_us=//p' <<<"$vcr_output")"
vcr_load_us="$(sed -n 's/^vcr_load_replay_us=//p' <<<"$vcr_output")"
vcr_cpu_us="$(sed -n 's/^vcr_replay_cpu_us=//p' <<<"$vcr_output")"

echo
"$python" - "$swift_us" "$client_us" "$vcr_us" "$vcr_load_us" "$client_cpu_us" "$vcr_cpu_us" <<'PY'
import sys
transport, client, vcr_replay, vcr_total, client_cpu, vcr_cpu = (float(x) for x in sys.argv[1:7])
print(f"at 1,000 interactions: DXClient over DXReplayTransport {client:.2f} us/request "
      f"(the transport alone {transport:.2f}); VCR.py {vcr_replay:.1f} us/request ({vcr_total:.1f} with cassette load)")
ratio = vcr_replay / client
print(f"ratio: DXClient replays {ratio:.0f}x faster than urllib3 under VCR.py ({vcr_total / client:.0f}x counting "
      f"VCR.py's load); target >= 1,000x: {'MET' if ratio >= 1000 else 'NOT MET'}")
print(f"CPU time per request (less moved by other load): DXClient over replay {client_cpu:.2f} us, VCR.py "
      f"{vcr_cpu:.1f} us; ratio {vcr_cpu / client_cpu:.0f}x")
PY

if [ "${CALLGRIND:-1}" != "0" ]; then
  echo
  echo "== callgrind: instructions per replayed request ((I(1000) - I(1)) / 2047, both loops, 1,000 interactions)"
  workdir="$(mktemp -d)"
  trap 'rm -rf "$workdir"' EXIT
  source "$root/scripts/lib/callgrind.bash"
  for dir in "$bin" ${BEFORE_DIR:+"$BEFORE_DIR"}; do
    mkdir -p "$workdir/cg"
    if ! callgrind_prepare "$workdir/cg" "$dir"; then
      echo "   skipped"
      break
    fi
    if ! many="$(callgrind_total "$workdir/cg/many.out" cassette --sizes 1000 --requests 1000 --machine)" ||
      ! one="$(callgrind_total "$workdir/cg/one.out" cassette --sizes 1000 --requests 1 --machine)"; then
      echo "  $dir/dxkit-bench: callgrind failed"
      continue
    fi
    echo "  $dir/dxkit-bench: $(( (many - one) / 2047 )) instructions per request"
    rm -rf "$workdir/cg"
  done
fi
