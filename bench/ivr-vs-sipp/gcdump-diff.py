#!/usr/bin/env python3
"""Bytes per call by type: `dotnet-gcdump report` of a dump taken under load minus one taken idle, per live call.

  gcdump-diff.py IDLE.gcdump LOADED.gcdump LIVE_CALLS [--top 25]
  gcdump-diff.py IDLE.tsv LOADED.tsv LIVE_CALLS     (per-type true sizes, one "bytes<TAB>count<TAB>type" line each)

The heapstat report's bytes column is not a per-type total for arrays and strings (it stays the same between dumps
whose counts differ), so prefer the .tsv form, made by any tool that walks the dump's graph.

Types are summed over the report's size buckets ("(Bytes > 1K)" etc.); the report lists what the dump walked from the
roots (live objects only: collecting a gcdump runs a full GC first). Its bytes column is each row's average object
size (rounded), so bytes here are average x count and sum to a few % more than the dump's own total."""
import argparse, collections, os, re, subprocess

p = argparse.ArgumentParser()
p.add_argument("idle"); p.add_argument("loaded"); p.add_argument("live", type=float)
p.add_argument("--top", type=int, default=25)
a = p.parse_args()
tool = os.path.expanduser("~/.dotnet/tools/dotnet-gcdump")


def load(path):
    if path.endswith(".tsv"):   # "bytes<TAB>count<TAB>type" per type with true object sizes (a first "#TOTAL" line)
        by_type, count, total = collections.Counter(), collections.Counter(), None
        for line in open(path):
            b, c, t = line.rstrip("\n").split("\t", 2)
            if t.startswith("#TOTAL"):
                total = int(float(b))
            else:
                by_type[t] += int(float(b)); count[t] += int(float(c))
        return by_type, count, total
    out = subprocess.run([tool, "report", path], capture_output=True, text=True).stdout
    by_type, count, total = collections.Counter(), collections.Counter(), None
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+GC Heap bytes", line)
        if m:
            total = int(m.group(1).replace(",", ""))
        m = re.match(r"\s*([\d,]+)\s+([\d,]+)\s+(.+?)\s*$", line)
        if not m:
            continue
        t = re.sub(r"\s+\(Bytes > [\d.]+[KM]?\)", "", m.group(3))
        c = int(m.group(2).replace(",", ""))
        by_type[t] += int(m.group(1).replace(",", "")) * c   # the report's bytes column is the average object size
        count[t] += c
    return by_type, count, total


bi, ci, ti = load(a.idle)
bl, cl, tl = load(a.loaded)
print(f"GC heap (live objects): idle {ti:,} B, loaded {tl:,} B, difference {tl - ti:,} B = "
      f"{(tl - ti) / a.live:,.0f} B per call over {a.live:g} calls")
diff = {t: (bl[t] - bi[t], cl[t] - ci[t]) for t in set(bl) | set(bi)}
total = sum(v[0] for v in diff.values())
print(f"{'B/call':>8} {'share':>6} {'obj/call':>8}  type")
for t, (b, c) in sorted(diff.items(), key=lambda kv: -kv[1][0])[:a.top]:
    print(f"{b / a.live:8.0f} {100 * b / total:5.1f}% {c / a.live:8.2f}  {t[:150]}")
