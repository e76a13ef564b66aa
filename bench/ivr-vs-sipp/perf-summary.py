#!/usr/bin/env python3
"""Summarises `perf record -g` samples of an ivr process (run with DOTNET_PerfMapEnabled=1 and
DOTNET_EnableWriteXorExecute=0 so JIT frames resolve through /tmp/perf-PID.map).

  perf-summary.py perf.data [--top 25]

Prints, as % of all samples: per thread name; per leaf (kernel leaves named by their system call); "managed
exclusive" (each sample charged to its innermost managed frame, so native runtime and kernel time under it count for
it); managed inclusive (a frame counted once per sample it is on)."""
import argparse, collections, re, subprocess

p = argparse.ArgumentParser()
p.add_argument("data")
p.add_argument("--top", type=int, default=25)
a = p.parse_args()

txt = subprocess.run(["perf", "script", "-i", a.data, "-F", "comm,tid,ip,sym,dso"], capture_output=True,
                     text=True).stdout
samples = []
cur = None
for line in txt.splitlines():
    if not line.strip():
        if cur:
            samples.append(cur)
        cur = None
        continue
    if not line.startswith((" ", "\t")):
        if cur:
            samples.append(cur)
        cur = {"comm": re.sub(r"\s+\d+\s*$", "", line.strip()), "frames": []}
        continue
    m = re.match(r"\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$", line)
    if m and cur is not None:
        cur["frames"].append((m.group(2), m.group(3)))
if cur:
    samples.append(cur)
n = len(samples)
if not n:
    raise SystemExit("no samples")


def clean(sym):
    sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
    sym = re.sub(r"\[(OptimizedTier1|Optimized|Tier0|Tier1|InstrumentedTier|InstrumentedTierOptimized|"
                 r"OptimizedTier1OSR|QuickJitted|MinOptJitted|PreJIT)\]$", "", sym)
    sym = re.sub(r"^(instance |static )?\S+ \[[^\]]+\] ", "", sym)   # return type and assembly
    return sym.strip()


def managed(frame):
    sym, dso = frame
    return dso.startswith("/tmp/perf-") or dso.endswith(".dll") or "[JIT]" in dso


def kind(frame):
    sym, dso = frame
    if "kernel" in dso:
        return "kernel"
    if managed(frame):
        return "managed"
    return dso.rsplit("/", 1)[-1]


def syscall_of(frames):
    for sym, dso in frames:
        m = re.match(r"(__x64_sys_|__se_sys_|__do_sys_)(\w+)", sym)
        if m:
            return m.group(2)
    return None


threads = collections.Counter()
leaf = collections.Counter()
mexcl = collections.Counter()
minc = collections.Counter()
cats = collections.Counter()
for s in samples:
    fr = s["frames"]
    name = re.sub(r"\d+$", "#", s["comm"])
    threads[name] += 1
    if not fr:
        leaf["?"] += 1
        continue
    k = kind(fr[0])
    if k == "kernel":
        sc = syscall_of(fr)
        if not sc:   # named by the first user-space frame (the libc wrapper), as the VM's timer lands on irq-enable points
            user = next((f for f in fr if kind(f) != "kernel"), None)
            sc = f"under {clean(user[0])[:60]}" if user and not user[0].startswith("[unknown]") else None
        leaf[f"[kernel] sys_{sc}" if sc and not sc.startswith("under") else
             f"[kernel] {sc}" if sc else "[kernel] (no syscall: irq/softirq/fault)"] += 1
    elif k == "managed":
        leaf[clean(fr[0][0])] += 1
    else:
        leaf[f"[{k}] {fr[0][0] if not fr[0][0].startswith('[unknown]') else ''}".strip()] += 1
    cats[k if k in ("kernel", "managed") else k] += 1
    first = next((f for f in fr if managed(f)), None)
    if first:
        mexcl[clean(first[0])] += 1
    else:
        mexcl[f"(no managed frame: {kind(fr[0])})"] += 1
    seen = set()
    for f in fr:
        if managed(f):
            c = clean(f[0])
            if c not in seen and c != "[unknown]":
                seen.add(c)
                minc[c] += 1


def show(title, counter, top):
    print(f"\n## {title}")
    for k, v in counter.most_common(top):
        print(f"{100 * v / n:6.1f}%  {k[:160]}")


print(f"{n} samples")
show("leaf code (dso) of each sample", cats, 10)
show("threads", threads, 15)
show("exclusive, leaf frame (kernel by system call)", leaf, a.top)
show("exclusive, innermost managed frame (native/kernel time under it charged to it)", mexcl, a.top)
show("inclusive, managed frames", minc, a.top)
