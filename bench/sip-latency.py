#!/usr/bin/env python3
"""INVITE->200 latency for bench/sipp-load.sh, taken off the wire on the loopback interface.

sipp's own response times (-trace_rtt) come from a coarse clock: on this machine they move in 4 ms ticks (0, 4, 8 ms),
too coarse to judge a 10 ms p99. This captures the SIP packets themselves on `lo` with a packet socket, the kernel
filtering out everything but UDP to or from the engine's SIP port (a classic BPF program, so the calls' RTP never
reaches this script), and stamps each with the kernel's receive time (SO_TIMESTAMPNS). For every Call-ID:
first INVITE sent to the engine -> first 100 and first 200 for that INVITE from the engine. Retransmissions are
ignored (only first sightings count). Needs CAP_NET_RAW (root here).

Reports, as JSON on stdout when stopped (SIGTERM/SIGINT) or after --seconds: invites seen, 200s seen, p50/p99/max
INVITE->200 and INVITE->100 in ms, invites with no 200, and packets the kernel dropped for this socket.
"""
import argparse
import ctypes
import json
import math
import socket
import struct
import sys
import time

import loadcapture

ETH_P_ALL = 0x0003
PACKET_HOST = 0
SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_ATTACH_FILTER = 26


def udp_port_filter(port):
    """Classic BPF for loopback's Ethernet framing: IPv4, UDP, not a fragment, source or destination port == port."""
    ins = [
        (0x28, 0, 0, 12),          # ldh [12]            ethertype
        (0x15, 0, 10, 0x0800),     # jeq IPv4 else drop
        (0x30, 0, 0, 23),          # ldb [23]            IP protocol
        (0x15, 0, 8, 17),          # jeq UDP else drop
        (0x28, 0, 0, 20),          # ldh [20]            flags + fragment offset
        (0x45, 6, 0, 0x1FFF),      # jset offset -> drop (a later fragment has no UDP header)
        (0xB1, 0, 0, 14),          # ldxb 4*([14]&0xf)   IP header length
        (0x48, 0, 0, 14),          # ldh [x+14]          source port
        (0x15, 2, 0, port),        # jeq port -> accept
        (0x48, 0, 0, 16),          # ldh [x+16]          destination port
        (0x15, 0, 1, port),        # jeq port -> accept else drop
        (0x06, 0, 0, 0x40000),     # ret accept (256 KB)
        (0x06, 0, 0, 0),           # ret drop
    ]
    return b"".join(struct.pack("HBBI", *i) for i in ins)


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    return round(sorted_values[max(0, math.ceil(len(sorted_values) * p / 100) - 1)], 3)


def header(lines, name):
    prefix = name.lower() + ":"
    for line in lines:
        if line.lower().startswith(prefix):
            return line[len(prefix):].strip()
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True, help="the engine's SIP port")
    ap.add_argument("--interface", default="lo")
    ap.add_argument("--seconds", type=float, default=3600, help="stop after this long (bound)")
    ap.add_argument("--ready", help="file written once the socket is capturing")
    args = ap.parse_args()

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    program = udp_port_filter(args.port)
    # struct sock_fprog { unsigned short len; struct sock_filter *filter; }: the kernel copies the program at once.
    code = ctypes.create_string_buffer(program, len(program))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack("HL", len(program) // 8, ctypes.addressof(code)))
    loadcapture.prepare(sock, 16 * 1024 * 1024)
    sock.bind((args.interface, 0))
    sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)  # reset the counters: count only from here
    sock.settimeout(0.2)
    loadcapture.announce_ready(args.ready)
    stop = loadcapture.StopSignal()

    invite_at = {}     # Call-ID -> ns of the first INVITE toward the engine
    trying_at = {}     # Call-ID -> ns of the first 100
    ok_at = {}         # Call-ID -> ns of the first 200 to the INVITE
    drops = 0
    anc = socket.CMSG_SPACE(16)
    deadline = time.monotonic() + args.seconds
    buf = bytearray(65536)

    while not stop.requested and time.monotonic() < deadline:
        try:
            n, ancdata, _, addr = sock.recvmsg_into([buf], anc)
        except (socket.timeout, InterruptedError):
            continue
        if addr[2] != PACKET_HOST:   # loopback shows each packet leaving and arriving: keep the arrival only
            continue
        ts = None
        for level, kind, data in ancdata:
            ts = loadcapture.kernel_time_ns(level, kind, data) or ts
        if ts is None:
            continue
        ihl = (buf[14] & 0x0F) * 4
        udp = 14 + ihl
        src_port, dst_port = struct.unpack_from("!HH", buf, udp)
        text = bytes(buf[udp + 8:n]).decode("latin-1", "replace")
        lines = text.split("\r\n", 40)
        start = lines[0]
        call_id = header(lines, "Call-ID") or header(lines, "i")
        if call_id is None:
            continue
        if dst_port == args.port and start.startswith("INVITE "):
            invite_at.setdefault(call_id, ts)
        elif src_port == args.port and start.startswith("SIP/2.0 "):
            cseq = header(lines, "CSeq") or ""
            if not cseq.endswith("INVITE"):
                continue
            if start.startswith("SIP/2.0 100"):
                trying_at.setdefault(call_id, ts)
            elif start.startswith("SIP/2.0 200"):
                ok_at.setdefault(call_id, ts)

    try:
        _, drops = struct.unpack("II", sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    except OSError:
        drops = None

    def latencies(replies):
        return sorted((replies[c] - t) / 1e6 for c, t in invite_at.items() if c in replies)

    ok = latencies(ok_at)
    trying = latencies(trying_at)
    report = {
        "invites": len(invite_at),
        "answered": len(ok),
        "not_answered": sum(1 for c in invite_at if c not in ok_at),
        "invite_200_ms_p50": percentile(ok, 50),
        "invite_200_ms_p99": percentile(ok, 99),
        "invite_200_ms_max": round(ok[-1], 3) if ok else None,
        "invite_100_ms_p50": percentile(trying, 50),
        "invite_100_ms_p99": percentile(trying, 99),
        "kernel_drops": drops,
    }
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
