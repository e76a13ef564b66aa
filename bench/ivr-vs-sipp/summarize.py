#!/usr/bin/env python3
"""Summarises one run.sh output folder as JSON.

Steady window: from 2 s after the caller's last call was created (and sipp counted all N at once) to 1.5 s before the
first call could end (t0 + hold); CPU % of one core = Δ(utime+stime)/CLK_TCK/Δt over that window (samples nearest the
bounds). Idle: the samples of the last 6 s before the caller started (after warm-up). Per-call memory: (median in the
window - median idle) / live calls (engine's /readyz for ivr, the caller's CurrentCall for sipp), for RSS and for the
GC counters (heap size after the last GC, all generations; committed; working set)."""
import argparse, csv, datetime, json, os, statistics as st

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--calls", type=int, default=1000)
p.add_argument("--rate", type=float, default=100)
p.add_argument("--hold", type=float, default=30)
a = p.parse_args()
d = a.dir
hz = os.sysconf("SC_CLK_TCK")
t0 = float(open(f"{d}/caller_t0").read())
samples = [json.loads(l) for l in open(f"{d}/samples.jsonl") if l.strip()]

# Caller's stats, one row per second.
rows = list(csv.reader(open(f"{d}/caller/stat.csv"), delimiter=";"))
head = rows[0]
col = {n: i for i, n in enumerate(head)}
stat = []
for r in rows[1:]:
    if len(r) < len(head) - 1:
        continue
    stat.append({"t": float(r[col["CurrentTime"]].split("\t")[-1]), "current": int(r[col["CurrentCall"]]),
                 "created": int(r[col["TotalCallCreated"]]), "ok": int(r[col["SuccessfulCall(C)"]]),
                 "failed": int(r[col["FailedCall(C)"]])})
last = stat[-1]
full = [s["t"] for s in stat if s["current"] >= a.calls]
all_created = next((s["t"] for s in stat if s["created"] >= a.calls), None)
w0 = max(t0 + a.calls / a.rate, all_created or 0, full[0] if full else 0) + 2.0
w1 = min(t0 + a.hold - 1.5, (full[-1] + 1.0) if full else t0 + a.hold)


def nearest(t):
    return min(samples, key=lambda s: abs(s["t"] - t))


s0, s1 = nearest(w0), nearest(w1)
win = [s for s in samples if w0 <= s["t"] <= w1]
idle = [s for s in samples if t0 - 6 <= s["t"] < t0]
dt = s1["t"] - s0["t"]
cpu = (s1["ticks"] - s0["ticks"]) / hz / dt * 100 if dt > 0 else None
idle_cpu = ((idle[-1]["ticks"] - idle[0]["ticks"]) / hz / (idle[-1]["t"] - idle[0]["t"]) * 100) if len(idle) > 1 else None
pps = (s1["udp_out"] - s0["udp_out"]) / dt if dt > 0 else None
runq = (s1["runq_ns"] - s0["runq_ns"]) / 1e6 / dt if dt > 0 else None
engine_live = [s["live"] for s in win if s["live"] is not None]
caller_live = [s["current"] for s in stat if w0 <= s["t"] <= w1]
live = st.median(engine_live) if engine_live else (st.median(caller_live) if caller_live else None)
rss_idle = st.median(s["rss_kb"] for s in idle) if idle else None
rss_win = st.median(s["rss_kb"] for s in win) if win else None
out = {
    "dir": d,
    "commit": open(f"{d}/commit").read().strip() if os.path.exists(f"{d}/commit") else "sipp",
    "calls_ok": last["ok"], "calls_failed": last["failed"], "caller_rc": open(f"{d}/caller_rc").read().strip(),
    "caller_max_concurrent": max(s["current"] for s in stat),
    "engine_max_live": max((s["live"] for s in samples if s["live"] is not None), default=None),
    "window_s": round(dt, 1), "window_from_t0": [round(w0 - t0, 1), round(w1 - t0, 1)],
    "live_in_window": live, "live_min_in_window": min(engine_live or caller_live or [0]),
    "cpu_pct": round(cpu, 1) if cpu is not None else None,
    "idle_cpu_pct": round(idle_cpu, 1) if idle_cpu is not None else None,
    "udp_out_pps": round(pps) if pps else None,
    "cpu_us_per_packet": round(cpu / 100 * 1e6 / pps, 2) if cpu and pps else None,
    "runq_wait_ms_per_s": round(runq, 1) if runq is not None else None,
    "rss_idle_mb": round(rss_idle / 1024, 1) if rss_idle else None,
    "rss_window_mb": round(rss_win / 1024, 1) if rss_win else None,
    "rss_kb_per_call": round((rss_win - rss_idle) / live, 1) if rss_win and rss_idle and live else None,
}

# GC counters (dotnet-counters csv): sum generations per timestamp.
cf = f"{d}/counters.csv"
if os.path.exists(cf) and os.path.getsize(cf) > 0:
    series = {}
    for r in csv.DictReader(open(cf)):
        try:
            ts = datetime.datetime.strptime(r["Timestamp"], "%m/%d/%Y %H:%M:%S").replace(
                tzinfo=datetime.timezone.utc).timestamp()
            v = float(r["Mean/Increment"])
        except (ValueError, KeyError, TypeError):
            continue
        name = r["Counter Name"]
        key = ("heap" if name.startswith("dotnet.gc.last_collection.heap.size") else
               "committed" if name.startswith("dotnet.gc.last_collection.memory.committed_size") else
               "working_set" if name.startswith("dotnet.process.memory.working_set") else
               "alloc_per_s" if name.startswith("dotnet.gc.heap.total_allocated") else
               "gen0_per_s" if "collections" in name and "gen0" in name else
               "gen1_per_s" if "collections" in name and "gen1" in name else
               "gen2_per_s" if "collections" in name and "gen2" in name else
               "gc_pause_s_per_s" if name.startswith("dotnet.gc.pause.time") else
               "threadpool_threads" if name.startswith("dotnet.thread_pool.thread.count") else
               "lock_contentions_per_s" if name.startswith("dotnet.monitor.lock_contentions") else
               "timers" if name.startswith("dotnet.timer.count") else None)
        if key:
            series.setdefault(key, {}).setdefault(ts, 0.0)
            series[key][ts] += v
    # The csv's clock is local time with whole seconds; this machine runs UTC.
    def med(key, lo, hi):
        vals = [v for t, v in series.get(key, {}).items() if lo <= t <= hi]
        return st.median(vals) if vals else None
    g = {}
    for key in series:
        g[key] = {"idle": med(key, t0 - 7, t0), "window": med(key, w0, w1)}
    out["gc"] = {k: {kk: (round(vv / 1048576, 1) if k in ("heap", "committed", "working_set", "alloc_per_s")
                          else round(vv, 3)) if vv is not None else None for kk, vv in v.items()} for k, v in g.items()}
    for k in ("heap", "committed", "working_set"):
        i, w = g.get(k, {}).get("idle"), g.get(k, {}).get("window")
        if i is not None and w is not None and live:
            out[f"{k}_kb_per_call"] = round((w - i) / 1024 / live, 1)
print(json.dumps(out, indent=1))
