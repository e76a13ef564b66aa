#!/usr/bin/env bash
# Interleaved rounds: old ivr, new ivr, sipp baseline, repeated; then the table (aggregate.py).
#   bench/ivr-vs-sipp/rounds.sh OLD_IVR NEW_IVR OUTDIR [ROUNDS=3] [extra run.sh options…]
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OLD="$1"; NEW="$2"; OUT="$3"; ROUNDS="${4:-3}"; shift 4 || shift $#
mkdir -p "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for who in old new sipp; do
    dir="$OUT/r$r-$who"
    echo "== round $r $who $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    case "$who" in
      old) "$HERE/run.sh" --answerer ivr --engine "$OLD" --out "$dir" "$@" > "$dir.log" 2>&1 ;;
      new) "$HERE/run.sh" --answerer ivr --engine "$NEW" --out "$dir" "$@" > "$dir.log" 2>&1 ;;
      sipp) "$HERE/run.sh" --answerer sipp --out "$dir" "$@" > "$dir.log" 2>&1 ;;
    esac
    echo "   exit $? $(python3 -c "import json,sys; d=json.load(open('$dir/summary.json')); print({k: d.get(k) for k in ('calls_ok','calls_failed','live_in_window','cpu_pct','rss_kb_per_call','heap_kb_per_call','udp_out_pps','window_s')})" 2>&1)"
  done
done
python3 "$HERE/aggregate.py" "$OUT"
