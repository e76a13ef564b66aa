#!/usr/bin/env bash
# One measured run: an answerer (an `ivr` build, or sipp streaming a PCMU prompt as the baseline) under N concurrent
# listening calls placed by sipp; samples the answerer's CPU and RSS (and, for ivr, the GC counters) and stops everything.
#
#   bench/ivr-vs-sipp/run.sh --answerer ivr|sipp [--engine PATH/TO/ivr] --out DIR
#        [--calls 1000] [--rate 100] [--hold 30] [--warmup 50] [--counters 1]
#        [--perf-at S --perf-for S] [--trace-at S --trace-for S] [--gcdump-at S (also one idle, before the calls)]
#
# Answerer on core 0, caller (and every sampler/tool) on core 1. Loopback, ports of its own: answerer SIP 21060,
# HTTP 21080, media 22000-27999; caller SIP 21070, media from 28000 (sipp counts up). The caller is
# uac_listen_hold.xml (../shared/bench/uac_listen.xml with its 20 s pause taken from -d). The ivr build runs from its own
# tree (flows/, sounds/ four levels above the binary) with the hotline flow, as bench/sipp-load.sh starts it.
# --perf-at/--trace-at/--gcdump-at: seconds after the caller starts (profile runs only; they perturb the run).
# Output in DIR: samples.jsonl (sample.py), caller/stat.csv, counters.csv, logs; analyse with summarize.py DIR.
set -euo pipefail

ANSWERER=""; ENGINE=""; OUT=""; CALLS=1000; RATE=100; HOLD=30; WARMUP=50; COUNTERS=1
PERF_AT=""; PERF_FOR=10; TRACE_AT=""; TRACE_FOR=10; GCDUMP_AT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --answerer) ANSWERER="$2"; shift 2 ;;
    --engine) ENGINE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --calls) CALLS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --hold) HOLD="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --counters) COUNTERS="$2"; shift 2 ;;
    --perf-at) PERF_AT="$2"; shift 2 ;;
    --perf-for) PERF_FOR="$2"; shift 2 ;;
    --trace-at) TRACE_AT="$2"; shift 2 ;;
    --trace-for) TRACE_FOR="$2"; shift 2 ;;
    --gcdump-at) GCDUMP_AT="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
[[ "$ANSWERER" == ivr || "$ANSWERER" == sipp ]] || { echo "--answerer ivr|sipp" >&2; exit 2; }
[[ -n "$OUT" ]] || { echo "--out DIR" >&2; exit 2; }
HERE="$(cd "$(dirname "$0")" && pwd)"
export PATH="$PATH:$HOME/.dotnet/tools"
mkdir -p "$OUT/caller" "$OUT/warmup"
OUT="$(cd "$OUT" && pwd)"
SIP_A=21060; HTTP_A=21080; MEDIA_A=22000-27999; SIP_C=21070; MEDIA_C=28000

for port in $SIP_A $HTTP_A $SIP_C; do
  if ss -Hltun "sport = :$port" | grep -q .; then echo "port $port is taken" >&2; exit 2; fi
done

ANS_PID=""; CALLER_PID=""; SAMPLER_PID=""; COUNTERS_PID=""
stop_group() {  # PGID: TERM, then KILL after 20 s
  local g="$1"
  kill -TERM -- "-$g" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL -- "-$g" 2>/dev/null || true
}
cleanup() {
  for p in $SAMPLER_PID $COUNTERS_PID $CALLER_PID; do stop_group "$p"; done
  if [[ -n "$ANS_PID" ]]; then stop_group "$ANS_PID"; fi
}
trap cleanup EXIT

ulimit -n 20000
date -u +%FT%T > "$OUT/started"
echo "load $(cut -d' ' -f1-3 /proc/loadavg) psi $(sed -n 's/^some avg10=\([0-9.]*\).*/\1/p' /proc/pressure/cpu)" > "$OUT/machine_before"

if [[ "$ANSWERER" == ivr ]]; then
  [[ -x "$ENGINE" ]] || { echo "--engine must be an ivr binary" >&2; exit 2; }
  ROOT="$(cd "$(dirname "$ENGINE")/../../../.." && pwd)"
  git -C "$ROOT" log --oneline -1 > "$OUT/commit" 2>/dev/null || true
  PROF_ENV=()   # perf needs the JIT's symbol map, and code outside the W^X double mapping to use it
  [[ -n "$PERF_AT" ]] && PROF_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
  ( cd "$ROOT" && exec env "${PROF_ENV[@]}" setsid taskset -c 0 "$ENGINE" serve --port $SIP_A --http "http://127.0.0.1:$HTTP_A" \
      --max-calls $((CALLS + 100)) --set Flows:Map:hotline=hotline --set "Media:PortRange=$MEDIA_A" ) \
      > "$OUT/answerer.log" 2>&1 &
  ANS_PID=$!
  for _ in $(seq 1 120); do
    grep -q "recognition decoders loaded" "$OUT/answerer.log" 2>/dev/null && break
    kill -0 "$ANS_PID" 2>/dev/null || { echo "the engine exited at start" >&2; tail -20 "$OUT/answerer.log" >&2; exit 2; }
    sleep 0.5
  done
  grep -q "HTTP listening" "$OUT/answerer.log" || { echo "the engine did not start" >&2; exit 2; }
  HTTP_ARG=(--http "http://127.0.0.1:$HTTP_A")
else
  # sipp itself answers and streams prompt.ulaw (headerless µ-law) until BYE.
  # The shared baseline scenario sits beside the checkout (../shared/bench), or set UAS_PROMPT to it.
  cp "${UAS_PROMPT:-$HERE/../../../shared/bench/uas_prompt.xml}" "$OUT/uas_prompt.xml"
  sox "$HERE/../../sounds/en-US/main_menu.wav" -r 8000 -c 1 -e mu-law -t raw "$OUT/prompt.ulaw"
  ( cd "$OUT" && exec setsid taskset -c 0 sipp -sf uas_prompt.xml -i 127.0.0.1 -p $SIP_A -mp 22000 -nostdin \
      -trace_err ) > "$OUT/answerer.log" 2>&1 &
  ANS_PID=$!
  sleep 1
  kill -0 "$ANS_PID" 2>/dev/null || { echo "sipp answerer exited" >&2; cat "$OUT/answerer.log" >&2; exit 2; }
  HTTP_ARG=()
fi
echo "$ANS_PID" > "$OUT/answerer.pid"

caller() {  # DIR, then sipp options
  local dir="$1"; shift
  ( cd "$dir" && exec setsid taskset -c 1 sipp "127.0.0.1:$SIP_A" -sf "$HERE/uac_listen_hold.xml" -s hotline \
      -i 127.0.0.1 -p $SIP_C -mp $MEDIA_C -nostdin "$@" ) > "$dir/sipp.out" 2>&1 &
  CALLER_PID=$!
}

# Warm-up (JIT, pools), not measured; then let the answerer settle before the idle samples.
if [[ $WARMUP -gt 0 ]]; then
  caller "$OUT/warmup" -m "$WARMUP" -l "$WARMUP" -r 25 -d 2000 -timeout 60s
  wait "$CALLER_PID" || echo "warm-up sipp exit $?" >> "$OUT/notes"; CALLER_PID=""
fi
if [[ "$ANSWERER" == ivr ]]; then
  for _ in $(seq 1 20); do curl -s --max-time 2 "http://127.0.0.1:$HTTP_A/readyz" >/dev/null || true; done
  if [[ $COUNTERS -eq 1 ]]; then
    ( exec setsid taskset -c 1 dotnet-counters collect -p "$ANS_PID" --counters System.Runtime --refresh-interval 1 \
        --format csv -o "$OUT/counters.csv" ) > "$OUT/counters.log" 2>&1 &
    COUNTERS_PID=$!
  fi
fi
( exec setsid taskset -c 1 python3 "$HERE/sample.py" --pid "$ANS_PID" --interval 0.5 --seconds 900 "${HTTP_ARG[@]}" ) \
    > "$OUT/samples.jsonl" 2> "$OUT/sample.err" &
SAMPLER_PID=$!
sleep 8   # idle window (samples before the caller starts)
if [[ -n "$GCDUMP_AT" ]]; then
  taskset -c 1 dotnet-gcdump collect -p "$ANS_PID" -o "$OUT/idle.gcdump" > "$OUT/gcdump-idle.log" 2>&1
  sleep 2
fi

date +%s.%N > "$OUT/caller_t0"
caller "$OUT/caller" -m "$CALLS" -l "$CALLS" -r "$RATE" -d $((HOLD * 1000)) -timeout $((CALLS / RATE + HOLD + 90))s \
    -trace_stat -stf stat.csv -fd 1 -trace_err
T0=$(cat "$OUT/caller_t0")
at() { python3 -c "import time; time.sleep(max(0, $T0 + $1 - time.time()))"; }
EXTRA=()
if [[ -n "$PERF_AT" ]]; then
  ( at "$PERF_AT"; taskset -c 1 perf record -e cpu-clock -F 499 -g -p "$ANS_PID" -o "$OUT/perf.data" -- sleep "$PERF_FOR" \
      > "$OUT/perf.log" 2>&1 ) &
  EXTRA+=($!)
fi
if [[ -n "$TRACE_AT" ]]; then
  ( at "$TRACE_AT"; taskset -c 1 dotnet-trace collect -p "$ANS_PID" --profile dotnet-sampled-thread-time \
      --duration "00:00:00:$(printf %02d "$TRACE_FOR")" -o "$OUT/trace.nettrace" > "$OUT/trace.log" 2>&1 ) &
  EXTRA+=($!)
fi
if [[ -n "$GCDUMP_AT" ]]; then
  ( at "$GCDUMP_AT"; curl -s "http://127.0.0.1:$HTTP_A/readyz" > "$OUT/gcdump.live";
    taskset -c 1 dotnet-gcdump collect -p "$ANS_PID" -o "$OUT/heap.gcdump" > "$OUT/gcdump.log" 2>&1;
    curl -s "http://127.0.0.1:$HTTP_A/readyz" >> "$OUT/gcdump.live" ) &
  EXTRA+=($!)
fi
rc=0; wait "$CALLER_PID" || rc=$?; CALLER_PID=""
echo "$rc" > "$OUT/caller_rc"
date +%s.%N > "$OUT/caller_t1"
for j in "${EXTRA[@]}"; do wait "$j" || true; done

if [[ "$ANSWERER" == ivr ]]; then
  for _ in $(seq 1 60); do
    [[ "$(curl -s --max-time 1 "http://127.0.0.1:$HTTP_A/readyz")" == *"ready: 0 live"* ]] && break; sleep 0.5
  done
fi
sleep 2
echo "load $(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT/machine_after"
cleanup; ANS_PID=""; SAMPLER_PID=""; COUNTERS_PID=""
python3 "$HERE/summarize.py" "$OUT" --calls "$CALLS" --rate "$RATE" --hold "$HOLD" | tee "$OUT/summary.json"
