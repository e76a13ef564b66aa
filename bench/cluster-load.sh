#!/usr/bin/env bash
# Cluster load: the same sipp load through Kamailio to 2 nodes and directly to 1 node, in one run, as a ratio.
#
#   bench/cluster-load.sh [--rate 100] [--calls 1000] [--hold 1] [--rounds 1] [--base-port 27000] [--out DIR]
#
# Starts scripts/cluster.sh up --nodes 2 (Kamailio on BASE, nodes on 127.0.0.2/.3) and one more node alone on 127.0.0.6
# (SIP BASE+50, HTTP BASE+51, SQLite), both with the built engine. Each round places --calls calls at --rate calls/s with
# sipp (Ivr.Tests/TestData/sipp/kam_uac_caller_bye.xml: INVITE, ACK along the route set, hang up after --hold s) first
# directly on the lone node, then through Kamailio. Reported per round and path:
#   - calls answered / failed (sipp's counters) and the call rate reached (calls / time from first INVITE to last 200);
#   - INVITE→200 p50/p99/max from sipp's -trace_rtt file (sipp's clock: a few ms resolution, so small values are coarse);
#   - CPU seconds per 1000 calls of the engines (utime+stime from /proc over the round) and, for the Kamailio path, of
#     Kamailio's processes too (also shown alone): what a call costs the cluster, to compare with one node. Idle work
#     (timers, OPTIONS probes) of every process counts: two nodes idle cost more than one;
# then the ratios through-Kamailio / direct. The machine is shared with other builds: load average is printed with
# each round. Exit code 0 when every call of every round succeeded, 1 otherwise, 2 on a setup error.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
RATE=100
CALLS=1000
HOLD=1
ROUNDS=1
BASE=27000
OUT=""
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) RATE="$2"; shift 2 ;;
    --calls) CALLS="$2"; shift 2 ;;
    --hold) HOLD="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --base-port) BASE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
command -v sipp >/dev/null || { echo "sipp is missing (apt-get install -y sip-tester)" >&2; exit 2; }
IVR="$ROOT/Ivr.Engine/bin/Release/net10.0/ivr"
SCENARIO="$ROOT/Ivr.Tests/TestData/sipp/kam_uac_caller_bye.xml"
[[ -n "$OUT" ]] || OUT=$(mktemp -d /tmp/ivr-cluster-load.XXXXXX)
mkdir -p "$OUT"
STATE="$OUT/cluster"
HOLD_MS=$(python3 -c "print(int(float('$HOLD') * 1000))")
LONE_SIP=$((BASE + 50))
LONE_HTTP="http://127.0.0.1:$((BASE + 51))"

lone_pid=""
cleanup() {
  [[ -n "$lone_pid" ]] && kill -TERM "$lone_pid" 2>/dev/null && wait "$lone_pid" 2>/dev/null || true
  [[ -f "$STATE/cluster.env" ]] && "$ROOT/scripts/cluster.sh" down --state "$STATE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$ROOT/scripts/cluster.sh" up --nodes 2 --base-port "$BASE" --state "$STATE" > "$OUT/cluster-up.log" 2>&1 \
  || { echo "cluster.sh up failed:" >&2; cat "$OUT/cluster-up.log" >&2; exit 2; }
mkdir -p "$OUT/lone/data"
(cd "$ROOT" && exec "$IVR" serve --address 127.0.0.6 --port "$LONE_SIP" --http "$LONE_HTTP" --data "$OUT/lone/data" \
  </dev/null > "$OUT/lone/engine.log" 2>&1) &
lone_pid=$!
for _ in $(seq 1 240); do curl -sf -m 2 "$LONE_HTTP/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf -m 2 "$LONE_HTTP/readyz" >/dev/null || { echo "the lone node did not start (see $OUT/lone/engine.log)" >&2; exit 2; }
mapfile -t NODE_PIDS < <(cut -f2 "$STATE/nodes.tsv")
KAM_PID=$(cat "$STATE/kamailio/pid")

# utime+stime in clock ticks of the given PIDs and of every process in their process groups.
ticks() {
  local total=0 pid
  for pid in "$@"; do
    for p in $(pgrep -g "$pid" 2>/dev/null || echo "$pid"); do
      [[ -r /proc/$p/stat ]] || continue
      total=$((total + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat")))
    done
  done
  echo "$total"
}
HZ=$(getconf CLK_TCK)

# One measured path: prints "answered failed cps p50 p99 max cpu_s_per_1000 proxy_cpu_s_per_1000" and keeps sipp's
# files in $3; $2 are the engines' PIDs, $4 Kamailio's (its share is also reported on its own).
measure() {
  local target=$1 pids=$2 dir=$3 proxy=${4:-} port before after pbefore=0 pafter=0
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # shellcheck disable=SC2086
  before=$(ticks $pids $proxy)
  [[ -n "$proxy" ]] && pbefore=$(ticks "$proxy")
  (cd "$dir" && sipp "$target" -sf "$SCENARIO" -s hotline -i 127.0.0.1 -p "$port" -m "$CALLS" -r "$RATE" -l $((RATE * 10)) \
      -d "$HOLD_MS" -nostdin -timeout $((CALLS / RATE + 120))s -trace_rtt -rtt_freq 1 -trace_stat -fd 1 -trace_err \
      > sipp.out 2>&1) || true
  # shellcheck disable=SC2086
  after=$(ticks $pids $proxy)
  [[ -n "$proxy" ]] && pafter=$(ticks "$proxy")
  python3 - "$dir" "$CALLS" "$((after - before))" "$HZ" "$((pafter - pbefore))" <<'PY'
import glob, sys, csv
d, calls, ticks, hz, pticks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = []
for f in glob.glob(d + "/*_rtt.csv"):
    for line in open(f):
        p = line.strip().split(";")
        if len(p) >= 2 and p[0][:1].isdigit():
            rows.append((float(p[0]), float(p[1])))
stat = sorted(glob.glob(d + "/*_.csv"))
ok = failed = 0
if stat:
    r = list(csv.reader(open(stat[0]), delimiter=";"))
    head, last = r[0], r[-1]
    ok = int(last[head.index("SuccessfulCall(C)")]); failed = int(last[head.index("FailedCall(C)")])
rt = sorted(x[1] for x in rows)
def pct(q): return rt[min(len(rt) - 1, int(q * len(rt)))] if rt else float("nan")
# Rate reached: answered calls over the time from the first INVITE (its 200 minus its response time) to the last 200.
if rows:
    start = min(t - r for t, r in rows); end = max(t for t, _ in rows)
    cps = len(rows) / max((end - start) / 1000.0, 1e-9)
else:
    cps = 0.0
print(f"{ok} {failed} {cps:.1f} {pct(0.5):.1f} {pct(0.99):.1f} {rt[-1] if rt else float('nan'):.1f} {ticks / hz / max(ok, 1) * 1000:.2f} {pticks / hz / max(ok, 1) * 1000:.2f}")
PY
}

echo "cluster-load: $CALLS calls at $RATE/s, hold ${HOLD}s; direct = 1 node (127.0.0.6:$LONE_SIP), kamailio = 127.0.0.1:$BASE → 2 nodes"
echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
printf '%-6s %-9s %8s %6s %8s %8s %8s %8s %15s %13s  %s\n' round path answered failed cps p50_ms p99_ms max_ms cpu_s/1000calls of_it_proxy loadavg
for round in $(seq 1 "$ROUNDS"); do
  read -r d_ok d_fail d_cps d_p50 d_p99 d_max d_cpu _ < <(measure "127.0.0.6:$LONE_SIP" "$lone_pid" "$OUT/r$round-direct")
  printf '%-6s %-9s %8s %6s %8s %8s %8s %8s %15s %13s  %s\n' "$round" direct "$d_ok" "$d_fail" "$d_cps" "$d_p50" "$d_p99" "$d_max" "$d_cpu" - "$(cut -d' ' -f1 /proc/loadavg)"
  read -r k_ok k_fail k_cps k_p50 k_p99 k_max k_cpu k_proxy < <(measure "127.0.0.1:$BASE" "${NODE_PIDS[*]}" "$OUT/r$round-kamailio" "$KAM_PID")
  printf '%-6s %-9s %8s %6s %8s %8s %8s %8s %15s %13s  %s\n' "$round" kamailio "$k_ok" "$k_fail" "$k_cps" "$k_p50" "$k_p99" "$k_max" "$k_cpu" "$k_proxy" "$(cut -d' ' -f1 /proc/loadavg)"
  python3 - "$d_cps" "$k_cps" "$d_p50" "$k_p50" "$d_p99" "$k_p99" "$d_cpu" "$k_cpu" <<'PY'
import sys
d_cps, k_cps, d50, k50, d99, k99, dcpu, kcpu = map(float, sys.argv[1:])
r = lambda a, b: f"{b / a:.2f}" if a > 0 else "n/a"
print(f"       ratio kamailio/direct: cps {r(d_cps, k_cps)}  p50 {r(d50, k50)}  p99 {r(d99, k99)}  cpu per call {r(dcpu, kcpu)}"
      f"  (p50 {k50 - d50:+.1f} ms, p99 {k99 - d99:+.1f} ms)")
PY
  [[ "$d_fail" == 0 && "$k_fail" == 0 && "$d_ok" == "$CALLS" && "$k_ok" == "$CALLS" ]] || status=1
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); files in $OUT"
exit $status
