#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser with AFL++ and SharpFuzz (docs/fuzzing.md).
#
#   scripts/fuzz.sh TARGET SECONDS        # TARGET: sip | sdp | rtp | flow
#
# Builds fuzz/Ivr.Fuzz, instruments a copy of Ivr.Engine (ivr.dll) and Ivr.Flows.dll with `sharpfuzz`,
# seeds AFL++ from Ivr.Tests/TestData/fuzz/TARGET/ (seeds/, corpus/ and regressions/), runs `afl-fuzz -V SECONDS` and
# prints execs, execs/s, corpus count, crashes and hangs from fuzzer_stats. Installs afl++ (Debian) and the SharpFuzz
# tool (dotnet tool SharpFuzz.CommandLine 2.3.0) when missing.
#
# Environment:
#   FUZZ_OUT=DIR         where AFL++ writes (default /tmp/ivr-fuzz/TARGET; a previous run there is replaced)
#   FUZZ_TIMEOUT_MS=N    AFL++ per-input timeout; slower inputs are counted as hangs (default 5000)
#   FUZZ_BIN=DIR         reuse the instrumented bin/ of an earlier run (e.g. /tmp/ivr-fuzz/sip/bin) instead of building
#   FUZZ_CMIN=1          after the run, minimise AFL's queue with afl-cmin into Ivr.Tests/TestData/fuzz/TARGET/corpus/
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 2 ] || ! [[ "$1" =~ ^(sip|sdp|rtp|flow)$ ]] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh sip|sdp|rtp|flow SECONDS" >&2
  exit 2
fi
target=$1
seconds=$2
out=${FUZZ_OUT:-/tmp/ivr-fuzz/$target}
timeout_ms=${FUZZ_TIMEOUT_MS:-5000}
data=Ivr.Tests/TestData/fuzz/$target

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
if ! command -v afl-fuzz >/dev/null; then
  echo "fuzz.sh: installing afl++"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  echo "fuzz.sh: installing the sharpfuzz tool"
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# A private build: instrumenting rewrites the assemblies in place, so never the ones the tests use. The harness holds every
# target, so FUZZ_BIN may name the bin/ of an earlier run of the same commit to skip building and instrumenting again.
rm -rf "$out"
mkdir -p "$out/in"
if [ -n "${FUZZ_BIN:-}" ]; then
  bin=$(cd "$FUZZ_BIN" && pwd)
else
  bin=$out/bin
  mkdir -p "$bin"
  dotnet build fuzz/Ivr.Fuzz -c Release -nologo -v quiet
  cp -r fuzz/Ivr.Fuzz/bin/Release/net10.0/. "$bin/"
  # ivr.dll is Ivr.Engine (its assembly name).
  for dll in ivr.dll Ivr.Flows.dll; do
    sharpfuzz "$bin/$dll" >/dev/null
  done
fi

for dir in seeds corpus regressions; do
  [ -d "$data/$dir" ] && find "$data/$dir" -maxdepth 1 -type f -exec cp {} "$out/in/" \;
done
echo "fuzz.sh: $target for ${seconds}s from $(ls "$out/in" | wc -l) inputs, output in $out"

# In a container: no CPU governor to check, no core to pin, no core_pattern to change.
# afl-cmin refuses /tmp unless told that the folder is ours (it is: FUZZ_OUT is created afresh above).
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_ALLOW_TMP=1
set +e
afl-fuzz -i "$out/in" -o "$out/afl" -t "$timeout_ms" -m none -V "$seconds" -- dotnet "$bin/Ivr.Fuzz.dll" "$target" \
  >"$out/afl-fuzz.log" 2>&1
rc=$?
set -e
stats=$out/afl/default/fuzzer_stats
if [ ! -f "$stats" ]; then
  echo "fuzz.sh: afl-fuzz did not start (exit $rc); the end of $out/afl-fuzz.log:" >&2
  tail -n 30 "$out/afl-fuzz.log" >&2
  exit 1
fi

stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
echo "fuzz.sh: $target: run_time $(stat run_time)s, execs $(stat execs_done), execs/s $(stat execs_per_sec)," \
  "corpus $(stat corpus_count), crashes $crashes, hangs $hangs, edges $(stat edges_found)/$(stat total_edges)"
for kind in crashes hangs; do
  find "$out/afl/default/$kind" -type f ! -name README.txt 2>/dev/null | sed "s/^/fuzz.sh: $kind: /"
done

if [ "${FUZZ_CMIN:-0}" = 1 ]; then
  rm -rf "$out/cmin"
  if ! afl-cmin -i "$out/afl/default/queue" -o "$out/cmin" -t "$timeout_ms" -m none -- "$(command -v dotnet)" "$bin/Ivr.Fuzz.dll" "$target" \
    >"$out/afl-cmin.log" 2>&1; then
    echo "fuzz.sh: afl-cmin failed; the end of $out/afl-cmin.log:" >&2
    tail -n 20 "$out/afl-cmin.log" >&2
    exit 1
  fi
  rm -rf "$data/corpus"
  mkdir -p "$data/corpus"
  # AFL's queue names (id:000123,src:…,op:…) hold colons; keep the id and a content hash.
  for f in "$out/cmin"/*; do
    cp "$f" "$data/corpus/$(basename "$f" | cut -d, -f1 | tr ':' '-')-$(sha1sum "$f" | cut -c1-8)"
  done
  echo "fuzz.sh: afl-cmin kept $(ls "$data/corpus" | wc -l) inputs ($(du -sh "$data/corpus" | cut -f1)) in $data/corpus"
fi
