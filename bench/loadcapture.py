"""What bench/rtp-gaps.py and bench/sip-latency.py share: a large receive buffer, kernel receive timestamps, the
--ready file that tells bench/sipp-load.sh the socket is listening, and a stop on SIGTERM/SIGINT."""
import signal
import socket
import struct

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
_UNPACK_TS = struct.Struct("=qq").unpack


def prepare(sock, buffer_bytes):
    """Asks for a receive buffer of buffer_bytes (beyond rmem_max when root) and kernel receive timestamps."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, buffer_bytes)
    except PermissionError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, buffer_bytes)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)


def kernel_time_ns(level, kind, data):
    """The SO_TIMESTAMPNS control message as nanoseconds, or None for another message."""
    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
        sec, nsec = _UNPACK_TS(data[:16])
        return sec * 1_000_000_000 + nsec
    return None


def announce_ready(path):
    """Writes the --ready file (if one was asked for) once the socket receives."""
    if path:
        with open(path, "w") as f:
            f.write("ready\n")


class StopSignal:
    """requested turns True on SIGTERM or SIGINT; the receive loop checks it between packets."""

    def __init__(self):
        self.requested = False
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, *_):
        self.requested = True
