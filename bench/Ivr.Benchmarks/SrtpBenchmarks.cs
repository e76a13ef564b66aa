using BenchmarkDotNet.Attributes;
using Ivr.Engine.Media;

namespace Ivr.Benchmarks;

/// <summary>
/// SRTP (RFC 3711) per 20 ms PCMU packet (12-byte header, 160-byte payload) with each suite: building the plain packet
/// (the baseline every send pays), building and protecting it (AES-CM + HMAC-SHA1 tag), and unprotecting a received one.
/// All must allocate nothing.
/// </summary>
/// <remarks>
/// Unprotect reads from a ring of protected packets, 64 from each of one more SSRC than the receiver keeps state for
/// (<see cref="SrtpContext.MaxSources"/>), so a source met again has been pushed out of its table (least recently used)
/// and its packets are never replays: each call does the full work — source lookup, index estimate, replay check (all but
/// the first of each 64), HMAC, decryption — on a 182- or 176-byte copy of the datagram, as the socket writes it into the
/// receive buffer.
/// </remarks>
[MemoryDiagnoser]
[InProcessToolchain]
public class SrtpBenchmarks
{
    private const int PerSource = 64;
    private const int Ring = PerSource * (SrtpContext.MaxSources + 1);
    private readonly byte[] _payload = new byte[160];
    private readonly byte[] _buffer = new byte[12 + 160 + SrtpContext.MaxTagLength];
    private readonly byte[][] _received = new byte[Ring][];
    private readonly byte[] _receiveBuffer = new byte[2048];
    private SrtpContext _sender = null!;
    private SrtpContext _receiver = null!;
    private RtpSender _rtp = null!;
    private int _next;

    /// <summary>The crypto suite.</summary>
    [Params(SrtpSuite.AesCm128HmacSha1_80, SrtpSuite.AesCm128HmacSha1_32)]
    public SrtpSuite Suite { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var key = NegotiatedSrtp.NewKey();
        for (var i = 0; i < _payload.Length; i++) _payload[i] = (byte)(0x80 + (i % 64));
        _sender = new SrtpContext(Suite, key);
        _receiver = new SrtpContext(Suite, key);
        _rtp = new RtpSender(0);
        using var peer = new SrtpContext(Suite, key);
        var sources = Enumerable.Range(1, SrtpContext.MaxSources + 1).Select(n => new RtpSender(0, (uint)n, (ushort)(1000 * n), 0)).ToArray();
        for (var i = 0; i < Ring; i++)
        {
            var length = sources[i / PerSource].WriteAudio(_buffer, _payload, 160);
            _received[i] = _buffer[..peer.Protect(_buffer, length)];
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    /// <summary>The plain RTP packet build alone (what the send path costs without SRTP).</summary>
    [Benchmark(Baseline = true)]
    public int BuildPlain() => _rtp.WriteAudio(_buffer, _payload, 160);

    /// <summary>Build, then protect in place with the tag appended.</summary>
    [Benchmark]
    public int BuildAndProtect() => _sender.Protect(_buffer, _rtp.WriteAudio(_buffer, _payload, 160));

    /// <summary>Copy a received SRTP datagram into the receive buffer, then unprotect it in place.</summary>
    [Benchmark]
    public int Unprotect()
    {
        var packet = _received[_next];
        _next = (_next + 1) % Ring;
        packet.CopyTo(_receiveBuffer, 0);
        return _receiver.Unprotect(_receiveBuffer.AsSpan(0, packet.Length), out var length) == SrtpUnprotectResult.Ok
            ? length
            : throw new InvalidOperationException("unprotect failed");
    }
}
