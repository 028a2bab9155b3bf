#!/usr/bin/env bash
# Runs every test project of the solution. On a fresh Debian machine with only the .NET SDK it first
# installs what the tests need (apt-get, only when missing and when run as root). The last line printed
# is "N passed, N failed" (totals over all projects); the exit code is non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. Debian packages the tests use: redis-server (the seed's store), chromium (browser tests).
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1; } \
      || log "could not install ${need[*]}; tests that need them will fail"
  else
    log "missing ${need[*]} (run as root to install them); tests that need them will fail"
  fi
fi

# 2. Build everything once, in Release (the simulation runs hundreds of seeds).
log "building"
if [ -f .config/dotnet-tools.json ]; then dotnet tool restore >/dev/null; fi
if ! dotnet build Dynamo.Aspire.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# 3. Run the test projects one at a time: real-process tests need the two cores to themselves.
log "testing"
out=$(mktemp)
dotnet test --solution Dynamo.Aspire.sln -c Release --no-build --max-parallel-test-modules 1 2>&1 | tee "$out"
status=${PIPESTATUS[0]}

total=$(grep -E '^\s+total: [0-9]+' "$out" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -E '^\s+failed: [0-9]+' "$out" | tail -1 | grep -oE '[0-9]+' || echo 0)
passed=$(grep -E '^\s+succeeded: [0-9]+' "$out" | tail -1 | grep -oE '[0-9]+' || echo 0)
# CI keeps only the tail of this output: repeat each failed test's name and first lines of its message here.
if grep -qE '^failed ' "$out"; then
  log "failed tests"
  awk '/^failed /{n=12} n>0{print; n--}' "$out"
fi
rm -f "$out"
: "${total:=0}" "${failed:=0}" "${passed:=0}"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host that crashed or found no tests reports no failed test; count it as one.
  echo "test run exited with status $status"
  failed=1
fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
