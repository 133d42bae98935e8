#!/usr/bin/env bash
# Running dxkit-bench under valgrind's callgrind on this machine (valgrind 3.19).
#
#   source scripts/lib/callgrind.bash
#   callgrind_prepare DIR BIN || skip
#     writes DIR/dxkit-bench (BIN without its debug info) and, when a C compiler is there,
#     DIR/sigsuspend-copy.so; sets CALLGRIND_BIN and CALLGRIND_PRELOAD; fails (with a line on stderr)
#     when valgrind is missing or cannot run the binary.
#   callgrind_total OUT ARGS...
#     runs CALLGRIND_BIN ARGS... under callgrind into OUT and prints its total instruction count.
#
# Why: valgrind 3.19 cannot read the release binary's DWARF 5 debug info ("unhandled dwarf2 abbrev
# form code 0x25"), so a stripped copy runs the same code. And valgrind before 3.20 writes into the
# signal mask passed to sigsuspend (it removes its own SIGVGKILL from it): an async `main` leaves the
# main thread in libdispatch's `dispatch_main`, which sigsuspends on a mask in read-only memory, so
# valgrind dies with an internal SIGSEGV. The preloaded wrapper hands libc's sigsuspend a writable copy.

callgrind_prepare() {
  local dir=$1 bin=$2
  command -v valgrind >/dev/null || { echo "callgrind: valgrind is not installed (scripts/setup.sh --bench)" >&2; return 1; }
  strip --strip-debug -o "$dir/dxkit-bench" "$bin/dxkit-bench" || return 1
  CALLGRIND_BIN="$dir/dxkit-bench"
  CALLGRIND_PRELOAD=""
  if command -v cc >/dev/null; then
    cat >"$dir/sigsuspend-copy.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
int sigsuspend(const sigset_t *mask) {
  int (*next)(const sigset_t *) = (int (*)(const sigset_t *))dlsym(RTLD_NEXT, "sigsuspend");
  sigset_t copy = *mask;
  return next(&copy);
}
C
    if cc -shared -fPIC -O2 -o "$dir/sigsuspend-copy.so" "$dir/sigsuspend-copy.c" -ldl 2>/dev/null; then
      CALLGRIND_PRELOAD="$dir/sigsuspend-copy.so"
    fi
  fi
  if ! LD_PRELOAD="$CALLGRIND_PRELOAD" valgrind --tool=none "$CALLGRIND_BIN" --help >/dev/null 2>&1; then
    echo "callgrind: this valgrind ($(valgrind --version)) cannot run dxkit-bench" >&2
    return 1
  fi
}

callgrind_total() {
  local out=$1
  shift
  LD_PRELOAD="$CALLGRIND_PRELOAD" valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$CALLGRIND_BIN" "$@" >/dev/null 2>&1 || return 1
  awk '/^(summary|totals):/ {print $2; exit}' "$out"
}
