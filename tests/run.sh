#!/usr/bin/env bash
# The test command: installs what the tests need (PostgreSQL, RabbitMQ, bubblewrap, git, the npm fixtures), builds
# once, runs every test project against the real programs, and ends with a plain "N passed, N failed, N skipped" line.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Migrator").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/TestResults"

"$root/AppHost/prerequisites.sh"

if ! command -v npm > /dev/null 2>&1; then
  echo "npm is required for the test fixtures (real GitHub payloads): install Node.js 20+ (apt-get install -y nodejs npm)." >&2
  exit 1
fi
(cd "$root/tests/fixtures" && npm ci --no-audit --no-fund --loglevel=error)
# pnpm is not part of Node.js: the setup phase's pnpm test (and the Executor on a pnpm repository) needs it on the path.
command -v pnpm > /dev/null 2>&1 || npm install -g pnpm@10.34.9 --no-audit --no-fund --loglevel=error

dotnet build "$root/Agentic.sln" --nologo -v quiet -clp:ErrorsOnly

rm -rf "$results"
status=0
dotnet test "$root/Agentic.sln" --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<< "$counters"; }
  p="$(value passed)"; f="$(value failed)"; e="$(value error)"; t="$(value total)"; x="$(value executed)"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${t:-0} - ${x:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # dotnet test failed without a failed test (a crashed test host, a build problem): never report that as green.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
