#!/usr/bin/env bash
# Runs every interop script in Tests/Interop (they drive dx-mock-server with real clients: dxpy's
# DXHTTPRequest, the `dx` CLI, dxpy's bindings, curl) and sums their "N passed, N failed" lines.
set -uo pipefail
cd "$(dirname "$0")/.."
export DXKIT_PYTHON="${DXKIT_PYTHON:-$PWD/.venv/bin/python}"
export DXKIT_DX="${DXKIT_DX:-$PWD/.venv/bin/dx}"
export DX_MOCK_SERVER="${DX_MOCK_SERVER:-$PWD/.build/debug/dx-mock-server}"
export DXCASSETTE="${DXCASSETTE:-$PWD/.build/debug/dxcassette}"

total_passed=0
total_failed=0
failed_scripts=()
for script in Tests/Interop/*.py Tests/Interop/*.sh; do
  [ -e "$script" ] || continue
  echo "=== interop: $script"
  log=$(mktemp)
  case "$script" in
    *.py) timeout 900 "$DXKIT_PYTHON" "$script" 2>&1 | tee "$log" ;;
    *.sh) timeout 900 bash "$script" 2>&1 | tee "$log" ;;
  esac
  status=${PIPESTATUS[0]}
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  rm -f "$log"
  if [ -n "$summary" ]; then
    p=$(echo "$summary" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$summary" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
  fi
  if [ "$status" -ne 0 ] || [ -z "$summary" ]; then
    failed_scripts+=("$script (exit $status)")
    [ -z "$summary" ] && total_failed=$((total_failed + 1))
  fi
done
echo
if [ ${#failed_scripts[@]} -gt 0 ]; then
  echo "interop failures: ${failed_scripts[*]}"
fi
echo "interop: $total_passed passed, $total_failed failed"
[ ${#failed_scripts[@]} -eq 0 ]
