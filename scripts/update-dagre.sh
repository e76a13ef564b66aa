#!/usr/bin/env bash
# Writes Ivr.Engine/Ops/Dashboard/dagre.min.js, the graph layout engine the dashboard draws flow graphs with: the
# unmodified browser build of the npm package @dagrejs/dagre (MIT, graphlib bundled in), its licence notice kept at the
# top. The file is committed, so a fresh clone builds and serves it without npm; run this only to change the version.
# Usage: scripts/update-dagre.sh [version, default the one pinned below]
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-3.1.3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "@dagrejs/dagre@$version" --silent >/dev/null && tar xzf dagrejs-dagre-"$version".tgz)
dist="$tmp/package/dist"
out=Ivr.Engine/Ops/Dashboard/dagre.min.js
{
  echo "/* @dagrejs/dagre $version (npm), dist/dagre.min.js unmodified but for its source-map line; licence below. */"
  cat "$dist/dagre.min.js.LEGAL.txt"
  grep -v '^//# sourceMappingURL=' "$dist/dagre.min.js" | grep -v '^/\*! For license information'
} >"$out"
echo "$out: @dagrejs/dagre $version ($(wc -c <"$out") bytes)"
