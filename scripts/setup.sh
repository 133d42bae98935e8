#!/usr/bin/env bash
# Installs what DXKit needs on a fresh Debian machine, and nothing that is already there.
#   scripts/setup.sh          system libraries for building (libmicrohttpd, SQLite, pkg-config)
#   scripts/setup.sh --test   also the Python venv (.venv) with dxpy==0.417.1 and vcrpy for interop tests
#   scripts/setup.sh --bench  also nginx and wrk for the benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
want_bench=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --bench) want_test=1; want_bench=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists libmicrohttpd || missing+=(libmicrohttpd-dev)
  pkg-config --exists sqlite3 || missing+=(libsqlite3-dev)
else
  missing+=(libmicrohttpd-dev libsqlite3-dev)
fi
if [ "$want_bench" -eq 1 ]; then
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: swift is not on PATH; install the Swift 6 toolchain (https://www.swift.org/install)" >&2
  exit 1
fi

if [ "$want_test" -eq 1 ]; then
  PYTHON="${PYTHON:-python3}"
  if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "setup: installing python3-venv"
    apt_install python3-venv
  fi
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import dxpy, vcr, sys; sys.exit(0 if dxpy.TOOLKIT_VERSION.startswith("0.417.1") else 1)' >/dev/null 2>&1; then
    echo "setup: creating .venv with dxpy==0.417.1 and vcrpy"
    rm -rf .venv
    "$PYTHON" -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check 'dxpy==0.417.1' 'vcrpy>=9,<10' 'PyYAML'
  fi
fi
