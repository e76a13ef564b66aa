#!/usr/bin/env bash
# Renders docs/ops-dashboard.png: runs `ivr serve --demo` (simulated callers and agents over loopback, sped up so the
# queues, offers and callbacks move within two minutes) and screenshots the dashboard in headless chromium, 1440 px wide.
# Usage: scripts/dashboard-screenshot.sh [seconds of demo before the shot, default 120] [viewport width, default 1440]
set -euo pipefail
cd "$(dirname "$0")/.."
wait=${1:-120}
width=${2:-1440}
[ -d Ivr.Tests/Browser/node_modules/playwright-core ] || (cd Ivr.Tests/Browser && npm ci --no-audit --no-fund)
dotnet build Ivr.Engine -c Release -v q -nologo >/dev/null
data=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
Ivr.Engine/bin/Release/net10.0/ivr serve --demo --port "$port" --http "http://127.0.0.1:$((port + 1))" --data "$data" \
  --set Demo:CallersPerMinute=30 --set Demo:MeanTalk=00:00:20 --set Demo:MeanPatience=00:01:00 --set Demo:Seed=1 \
  >"$data/engine.log" 2>&1 &
engine=$!
# A background job of a script ignores SIGINT, so the engine is stopped with SIGTERM (it drains), killed if still there after 30 s.
stop() {
  kill -TERM "$engine" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$engine" 2>/dev/null || break; sleep 1; done
  kill -KILL "$engine" 2>/dev/null || true
  wait "$engine" 2>/dev/null || true
  rm -rf "$data"
}
trap stop EXIT
sleep "$wait"
node Ivr.Tests/Browser/screenshot.mjs "http://127.0.0.1:$((port + 1))/" docs/ops-dashboard.png "$width"
grep "Demo:" "$data/engine.log" | tail -1
echo "docs/ops-dashboard.png written"
