#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine: installs the real peers the tests drive
# (sipp, baresip, espeak-ng, sox, PocketSphinx) when missing, then `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v sipp >/dev/null || need+=(sip-tester)
command -v baresip >/dev/null || need+=(baresip)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null || need+=(sox)
[ -e /usr/share/pocketsphinx/model/en-us/en-us ] || need+=(pocketsphinx pocketsphinx-en-us)
dpkg -s pocketsphinx-testdata >/dev/null 2>&1 || need+=(pocketsphinx-testdata)
ls /usr/lib/*/libpocketsphinx.so.3 >/dev/null 2>&1 || need+=(libpocketsphinx3)
command -v chromium >/dev/null || need+=(chromium)
command -v npm >/dev/null || need+=(nodejs npm)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ] || need+=(kamailio)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Asterisk for Ivr.Tests/Asterisk: the shared build beside the repository (../shared/asterisk; a worktree under wt/ is one deeper).
if [ ! -x /opt/asterisk/sbin/asterisk ]; then
  for dir in ../shared/asterisk ../../shared/asterisk; do
    if [ -x "$dir/install.sh" ]; then if [ "$(id -u)" = 0 ]; then "$dir/install.sh"; else sudo "$dir/install.sh"; fi; break; fi
  done
fi
# The dashboard's browser test drives chromium through playwright-core (pinned in Ivr.Tests/Browser/package-lock.json).
[ -d Ivr.Tests/Browser/node_modules/playwright-core ] || (cd Ivr.Tests/Browser && npm ci --no-audit --no-fund)
command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 2; }

log=$(mktemp)
set +e
dotnet test Ivr.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One plain closing line that any CI reader understands (from the console logger's summary).
count() { grep -E "^\s*$1: +[0-9]+" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
# Failed tests again at the very end, with their messages, so a reader of the log's tail sees what failed.
if grep -qE '^\s+Failed [A-Za-z]' "$log"; then
  echo "Failed tests:"
  awk '/^[[:space:]]+Failed [A-Za-z]/ {on=1; n=0} on && /^[[:space:]]+Stack Trace:/ {on=0} on && n < 25 {print; n++}' "$log"
fi
echo "$(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
rm -f "$log"
exit "$rc"
