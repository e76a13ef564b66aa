#!/usr/bin/env bash
# Runs the engine on its embedded defaults: SIP on 127.0.0.1:5060, flows/hotline.json, SQLite under data/,
# offline speech (installs espeak-ng and PocketSphinx when missing; the engine runs DTMF-only without them).
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
[ -e /usr/share/pocketsphinx/model/en-us/en-us ] || need+=(pocketsphinx pocketsphinx-en-us)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || \
    echo "run.sh: could not install ${need[*]}; speech stays off" >&2
fi
exec dotnet run --project Ivr.Engine -c Release -- serve "$@"
