#!/usr/bin/env python3
"""RTP sink for bench/sipp-load.sh: receives every call's RTP on one UDP port and measures it on the receiving side.

The load scenario's SDP points all calls' audio at this one port; streams are told apart by SSRC (RFC 3550 §8).
Arrival times are the kernel's receive timestamps (SO_TIMESTAMPNS), taken when the packet reaches the socket, so
this script's own scheduling (it shares a core with sipp) does not add to the gaps it reports; packets the socket
dropped because this script fell behind are counted (SO_RXQ_OVFL), not hidden.

Reports, as JSON on stdout when stopped (SIGTERM/SIGINT) or after --seconds:
  packets, streams, inter-packet gaps per stream (p50/p99/p99.9/max in ms, each the upper edge of its 0.1 ms bucket),
  sequence gaps (lost), socket drops, and the most streams with media at once (the largest overlap of the streams'
  first-to-last packet intervals).
"""
import argparse
import json
import socket
import struct
import sys
import time

import loadcapture

SO_RXQ_OVFL = getattr(socket, "SO_RXQ_OVFL", 40)
BUCKET_NS = 100_000          # 0.1 ms histogram buckets
MAX_BUCKET = 20_000          # gaps of 2 s or more land in the last bucket


def percentile(hist, total, p):
    if total == 0:
        return None
    rank = max(1, -(-total * p // 100))  # ceiling
    seen = 0
    for i, n in enumerate(hist):
        seen += n
        if seen >= rank:
            return round((i + 1) * BUCKET_NS / 1e6, 1)
    return round(MAX_BUCKET * BUCKET_NS / 1e6, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--seconds", type=float, default=3600, help="stop after this long (bound)")
    ap.add_argument("--ready", help="file written once the socket is bound")
    args = ap.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    loadcapture.prepare(sock, 32 * 1024 * 1024)
    sock.setsockopt(socket.SOL_SOCKET, SO_RXQ_OVFL, 1)
    sock.bind((args.address, args.port))
    sock.settimeout(0.2)
    loadcapture.announce_ready(args.ready)
    stop = loadcapture.StopSignal()

    hist = [0] * (MAX_BUCKET + 1)
    gaps = 0
    last = {}          # ssrc -> (arrival ns, seq)
    first = {}         # ssrc -> first arrival ns
    packets = 0
    not_rtp = 0
    lost = 0
    drops = 0
    first_ns = last_ns = None
    buf = bytearray(2048)
    anc = socket.CMSG_SPACE(16) + socket.CMSG_SPACE(4)
    unpack_hdr = struct.Struct("!BBHII").unpack_from
    deadline = time.monotonic() + args.seconds

    while not stop.requested and time.monotonic() < deadline:
        try:
            n, ancdata, _, _ = sock.recvmsg_into([buf], anc)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        ts = None
        for level, kind, data in ancdata:
            stamp = loadcapture.kernel_time_ns(level, kind, data)
            if stamp is not None:
                ts = stamp
            elif level == socket.SOL_SOCKET and kind == SO_RXQ_OVFL:
                drops = struct.unpack("=I", data[:4])[0]
        if ts is None or n < 12 or (buf[0] >> 6) != 2:
            not_rtp += 1
            continue
        _, _, seq, _, ssrc = unpack_hdr(buf)
        packets += 1
        if first_ns is None:
            first_ns = ts
        last_ns = ts
        prev = last.get(ssrc)
        if prev is None:
            first[ssrc] = ts
        else:
            gap = ts - prev[0]
            b = gap // BUCKET_NS
            hist[b if b < MAX_BUCKET else MAX_BUCKET] += 1
            gaps += 1
            d = (seq - prev[1]) & 0xFFFF
            if 1 < d < 0x8000:
                lost += d - 1
        last[ssrc] = (ts, seq)

    # Streams with media at once: sweep the [first, last] packet intervals (an end sorts before a start at the same ns).
    edges = sorted([(t, 1) for t in first.values()] + [(v[0], -1) for v in last.values()], key=lambda e: (e[0], e[1]))
    active = max_active = 0
    for _, step in edges:
        active += step
        max_active = max(max_active, active)

    top = next((i for i in range(MAX_BUCKET, -1, -1) if hist[i]), None)
    report = {
        "packets": packets,
        "streams": len(last),
        "max_streams_with_media": max_active,
        "seconds": round((last_ns - first_ns) / 1e9, 1) if packets else 0,
        "gaps": gaps,
        "gap_ms_p50": percentile(hist, gaps, 50),
        "gap_ms_p99": percentile(hist, gaps, 99),
        "gap_ms_p999": percentile(hist, gaps, 99.9),
        "gap_ms_max": round((top + 1) * BUCKET_NS / 1e6, 1) if top is not None else None,
        "gaps_over_25ms": sum(hist[250:]),
        "lost_by_sequence": lost,
        "socket_drops": drops,
        "not_rtp": not_rtp,
    }
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
