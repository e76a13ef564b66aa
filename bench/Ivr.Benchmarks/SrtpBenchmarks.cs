using BenchmarkDotNet.Attributes;
using Ivr.Engine.Media;

namespace Ivr.Benchmarks;

/// <summary>
/// SRTP (RFC 3711) per 20 ms PCMU packet (12-byte header, 160-byte payload) with each suite: building the plain packet
/// (the baseline every send pays), building and protecting it (AES-CM + HMAC-SHA1 tag), and unprotecting a received one.
/// All must allocate nothing.
/// </summary>
/// <remarks>
/// Unprotect reads from a ring of 128 protected packets whose SSRC changes every 64, so a packet met again is never a
/// replay (a new SSRC restarts the index and replay list): each call does the full work — index estimate, replay check,
/// HMAC, decryption — on a 182- or 176-byte copy of the datagram, as the socket writes it into the receive buffer.
/// </remarks>
[MemoryDiagnoser]
[InProcessToolchain]
public class SrtpBenchmarks
{
    private const int Ring = 128;
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
        RtpSender[] sources = [new RtpSender(0, 1, 1000, 0), new RtpSender(0, 2, 2000, 0)];
        for (var i = 0; i < Ring; i++)
        {
            var length = sources[i / 64].WriteAudio(_buffer, _payload, 160);
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
