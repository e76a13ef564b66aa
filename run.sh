#!/usr/bin/env bash
# Runs the engine on its embedded defaults: SIP on 127.0.0.1:5060, flows/hotline.json, SQLite under data/,
# offline speech (installs espeak-ng and PocketSphinx when missing; the engine runs DTMF-only without them).
# Any `serve` option passes through (`./run.sh --port 5070 --http http://127.0.0.1:8081`). It ends by exec-ing the
# Release binary (scripts/ivr builds it once), so the PID this script started is the engine: Ctrl-C, `kill -INT PID`
# and `kill PID` (SIGTERM) all drain and exit 0.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
[ -e /usr/share/pocketsphinx/model/en-us/en-us ] || need+=(pocketsphinx pocketsphinx-en-us)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || \
    echo "run.sh: could not install ${need[*]}; speech stays off" >&2
fi
exec scripts/ivr serve "$@"
