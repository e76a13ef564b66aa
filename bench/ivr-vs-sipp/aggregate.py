#!/usr/bin/env python3
"""Table of rounds.sh's runs: per round and median, with each ivr's CPU as a ratio to the same round's sipp baseline."""
import glob, json, os, re, statistics as st, sys

out = sys.argv[1]
runs = {}
for f in glob.glob(f"{out}/r*-*/summary.json"):
    m = re.search(r"/r(\d+)-(\w+)/summary.json$", f)
    try:
        runs[(int(m.group(1)), m.group(2))] = json.load(open(f))
    except ValueError:
        pass
rounds = sorted({r for r, _ in runs})
cols = ["ok", "failed", "conc(sipp)", "live", "win_s", "cpu%", "ratio", "pps", "us/pkt", "runq", "rss_idle_MB",
        "rss_KB/call", "heap_KB/call", "commit_KB/call", "ws_KB/call"]
print(f"{'answerer':8} {'round':>5} " + " ".join(f"{c:>13}" for c in cols))
med = {}
for who in ("old", "new", "sipp"):
    for r in rounds:
        d = runs.get((r, who))
        if not d:
            continue
        base = runs.get((r, "sipp"), {}).get("cpu_pct")
        ratio = round(d["cpu_pct"] / base, 2) if base and d.get("cpu_pct") else None
        row = [d["calls_ok"], d["calls_failed"], d["caller_max_concurrent"], d["live_in_window"], d["window_s"],
               d["cpu_pct"], ratio, d["udp_out_pps"], d["cpu_us_per_packet"], d["runq_wait_ms_per_s"], d["rss_idle_mb"],
               d["rss_kb_per_call"], d.get("heap_kb_per_call"), d.get("committed_kb_per_call"),
               d.get("working_set_kb_per_call")]
        for c, v in zip(cols, row):
            med.setdefault(who, {}).setdefault(c, []).append(v)
        print(f"{who:8} {r:>5} " + " ".join(f"{'' if v is None else v:>13}" for v in row))
    if who in med:
        vals = [st.median([x for x in med[who][c] if x is not None]) if any(x is not None for x in med[who][c]) else ""
                for c in cols]
        print(f"{who:8} {'med':>5} " + " ".join(f"{(round(v, 2) if isinstance(v, float) else v):>13}" for v in vals))
