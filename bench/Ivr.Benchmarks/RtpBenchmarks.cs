using BenchmarkDotNet.Attributes;
using Ivr.Engine.Media;

namespace Ivr.Benchmarks;

/// <summary>Per-packet media work: all of it must allocate nothing (STYLE.md rule 9).</summary>
[MemoryDiagnoser]
public class RtpBenchmarks
{
    private readonly short[] _pcm = new short[160];
    private readonly short[] _decoded = new short[160];
    private readonly byte[] _outgoing = new byte[1500];
    private readonly byte[] _incoming = new byte[172];
    private readonly byte[] _dtmf = new byte[16];
    private readonly RtpSender _sender = new(0, 0x1234, 1, 0);
    private readonly RtpReceiverStats _stats = new(minSequential: 1);
    private readonly DtmfReceiver _dtmfReceiver = new();
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < _pcm.Length; i++)
        {
            _pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000));
        }

        new RtpSender(0, 0x5678, 100, 0).WriteAudio(_incoming, AudioCodec.Pcmu, _pcm);
        new RtpSender(101, 0x5678, 200, 0).Write(_dtmf, true, 101, 4000, [5, 0x0A, 0x01, 0x40]);
    }

    /// <summary>Header plus 160 PCM samples encoded to µ-law in place (one 20 ms packet out).</summary>
    [Benchmark]
    public int BuildAndEncodePcmuPacket() => _sender.WriteAudio(_outgoing, AudioCodec.Pcmu, _pcm);

    /// <summary>Parse an incoming packet, update sequence/jitter statistics and decode µ-law to PCM (one packet in).</summary>
    [Benchmark]
    public int ParseAndDecodePcmuPacket()
    {
        if (!RtpPacket.TryParse(_incoming, out var packet))
        {
            return -1;
        }

        _stats.Update(_sequence++, packet.Timestamp, packet.Timestamp);
        return G711.DecodeMuLaw(packet.Payload, _decoded);
    }

    /// <summary>G.711 µ-law encode of 160 samples alone.</summary>
    [Benchmark]
    public int EncodeMuLaw160() => G711.EncodeMuLaw(_pcm, _outgoing);

    /// <summary>G.711 µ-law decode of 160 samples alone.</summary>
    [Benchmark]
    public int DecodeMuLaw160() => G711.DecodeMuLaw(_incoming.AsSpan(12), _decoded);

    /// <summary>Parse an RFC 4733 packet and run it through the digit de-duplicator.</summary>
    [Benchmark]
    public bool ParseDtmfPacket() =>
        RtpPacket.TryParse(_dtmf, out var packet) && _dtmfReceiver.TryProcess(packet, out _);
}
