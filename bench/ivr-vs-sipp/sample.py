#!/usr/bin/env python3
"""Samples one answerer process every --interval s until it exits or --seconds pass; one JSON line per sample:
t (epoch s), ticks (utime+stime of the process), rss_kb, threads' run-queue wait (ns), udp out/in datagrams
(/proc/net/snmp, whole machine), and the engine's live calls from /readyz when --http is given."""
import argparse, json, os, re, sys, time, urllib.request

p = argparse.ArgumentParser()
p.add_argument("--pid", type=int, required=True)
p.add_argument("--interval", type=float, default=0.5)
p.add_argument("--seconds", type=float, default=600)
p.add_argument("--http", default="")
a = p.parse_args()


def udp():
    lines = [l.split() for l in open("/proc/net/snmp") if l.startswith("Udp:")]
    d = dict(zip(lines[0][1:], map(int, lines[1][1:])))
    return d["OutDatagrams"], d["InDatagrams"], d.get("RcvbufErrors", 0)


def runq_wait(pid):
    s = 0
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            try:
                s += int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    except OSError:
        pass
    return s


end = time.time() + a.seconds
while time.time() < end:
    t = time.time()
    try:
        st = open(f"/proc/{a.pid}/stat").read()
        f = st[st.rindex(")") + 2:].split()
        ticks = int(f[11]) + int(f[12])
        rss = int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{a.pid}/status").read()).group(1))
    except (OSError, AttributeError):
        break
    out, inn, rcverr = udp()
    live = None
    if a.http:
        try:
            body = urllib.request.urlopen(a.http + "/readyz", timeout=1).read().decode()
            m = re.search(r"(\d+) live calls", body)
            live = int(m.group(1)) if m else None
        except Exception:
            live = None
    print(json.dumps({"t": t, "ticks": ticks, "rss_kb": rss, "runq_ns": runq_wait(a.pid), "udp_out": out,
                      "udp_in": inn, "udp_rcvbuf_err": rcverr, "live": live}), flush=True)
    time.sleep(max(0.0, a.interval - (time.time() - t)))
