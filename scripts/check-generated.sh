#!/usr/bin/env bash
# Regenerates DXCore's API wrappers and the mock server's retry-route table into a temporary folder and diffs them against the committed files.
# Exits non-zero (and prints the diff) when the committed output is out of date with
# scripts/dxpy-api-routes.tsv or scripts/generate-api-wrappers.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$root/scripts/generate-api-wrappers.py" --output-dir "$tmp" >/dev/null
status=0
for file in "DXClient+API.swift" "DXAPIRoutes.swift"; do
  if ! diff -u "$root/Sources/DXCore/API/$file" "$tmp/$file"; then
    echo "check-generated: Sources/DXCore/API/$file is out of date; run python3 scripts/generate-api-wrappers.py" >&2
    status=1
  fi
done
python3 "$root/scripts/generate-retry-routes.py" --output-dir "$tmp" >/dev/null
if ! diff -u "$root/Sources/DXMockServer/Verify/DXPyRetryRoutes.swift" "$tmp/DXPyRetryRoutes.swift"; then
  echo "check-generated: Sources/DXMockServer/Verify/DXPyRetryRoutes.swift is out of date; run python3 scripts/generate-retry-routes.py" >&2
  status=1
fi
if [ "$status" -eq 0 ]; then echo "check-generated: generated API wrappers and retry routes are up to date"; fi
exit "$status"
