#!/usr/bin/env bash
# Runs the libFuzzer targets (docs/fuzzing.md), each for a bounded time.
#
#   scripts/fuzz.sh                                   # every target, FUZZ_SECONDS (60) each
#   FUZZ_TARGETS="json platform" FUZZ_SECONDS=600 scripts/fuzz.sh
#   FUZZ_MERGE=1 scripts/fuzz.sh                      # also merge new inputs into Fuzz/Corpus
#
# Builds with -sanitize=fuzzer,address in .build-fuzz (its own scratch path: every module is
# instrumented). New inputs go to .build-fuzz/corpus/<target>, crashes to
# .build-fuzz/artifacts/<target>/; a crash fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${FUZZ_SECONDS:-60}"
# Every target under Fuzz/Targets unless FUZZ_TARGETS names some.
ALL_TARGETS="$(cd Fuzz/Targets && ls -d fuzz-* | sed 's/^fuzz-//' | tr '\n' ' ')"
TARGETS="${FUZZ_TARGETS:-$ALL_TARGETS}"
SCRATCH=.build-fuzz
FLAGS=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)

failed=()
for target in $TARGETS; do
  echo "== building fuzz-$target"
  swift build --scratch-path "$SCRATCH" "${FLAGS[@]}" --product "fuzz-$target" 2>&1 | tail -1
done
BIN="$(swift build --scratch-path "$SCRATCH" "${FLAGS[@]}" --show-bin-path)"
for target in $TARGETS; do
  work="$SCRATCH/corpus/$target"
  artifacts="$SCRATCH/artifacts/$target/"
  mkdir -p "$work" "$artifacts"
  echo "== fuzz-$target for ${SECONDS_EACH}s"
  if "$BIN/fuzz-$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$artifacts" -print_final_stats=1 "$work" "Fuzz/Corpus/$target" \
    >"$SCRATCH/$target.log" 2>&1; then
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$SCRATCH/$target.log" | tail -3
  else
    echo "fuzz-$target FAILED; see $SCRATCH/$target.log and $artifacts" >&2
    tail -40 "$SCRATCH/$target.log" >&2
    failed+=("$target")
  fi
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$BIN/fuzz-$target" -merge=1 "Fuzz/Corpus/$target" "$work" >/dev/null 2>&1 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: every target ran clean for ${SECONDS_EACH}s"
