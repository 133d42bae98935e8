#!/usr/bin/env bash
# The one way every script starts dx-mock-server: on 127.0.0.1 port 0, waiting for its port file.
#
# Sourced (bash scripts):
#   source scripts/lib/mock-server.bash
#   mock_server_start DIR NAME [SERVER FLAGS...] || exit 1
#     starts the server in the background with --port 0 --port-file DIR/NAME.port, logs to
#     DIR/NAME.log, waits until the port file is written (at most MOCK_SERVER_START_SECONDS, default
#     60) and sets MOCK_PID and MOCK_PORT. On failure (the server exited or never wrote its port) it
#     prints the log to stderr, kills the server and returns 1.
# Run (from Python or any other language):
#   scripts/lib/mock-server.bash DIR NAME [SERVER FLAGS...]
#     the same, then prints "PID PORT" on one line and exits 0; the server keeps running in the
#     background (its output goes to DIR/NAME.log) and the caller stops it with SIGTERM.
# The binary is $MOCK_SERVER_BIN, else $DX_MOCK_SERVER, else .build/debug/dx-mock-server.

mock_server_start() {
  local dir=$1 name=$2
  shift 2
  local bin=${MOCK_SERVER_BIN:-${DX_MOCK_SERVER:-.build/debug/dx-mock-server}}
  local port_file="$dir/$name.port" log="$dir/$name.log"
  local limit=$((${MOCK_SERVER_START_SECONDS:-60} * 20))
  rm -f "$port_file"
  "$bin" --port 0 --port-file "$port_file" "$@" >>"$log" 2>&1 &
  MOCK_PID=$!
  local tries=0
  while [ ! -s "$port_file" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt "$limit" ] || ! kill -0 "$MOCK_PID" 2>/dev/null; then
      echo "dx-mock-server ($name) did not start; its log:" >&2
      cat "$log" >&2
      kill "$MOCK_PID" 2>/dev/null
      wait "$MOCK_PID" 2>/dev/null
      return 1
    fi
    sleep 0.05
  done
  MOCK_PORT=$(tr -d '[:space:]' <"$port_file")
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -u
  [ $# -ge 2 ] || { echo "usage: $0 DIR NAME [SERVER FLAGS...]" >&2; exit 2; }
  mock_server_start "$@" || exit 1
  echo "$MOCK_PID $MOCK_PORT"
fi
