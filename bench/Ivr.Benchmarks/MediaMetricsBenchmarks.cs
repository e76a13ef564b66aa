using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Ivr.Engine.Hosting;
using Ivr.Engine.Media;
using Ivr.Engine.Ops;

namespace Ivr.Benchmarks;

/// <summary>
/// What the metrics cost on the RTP path (issue 5): a received packet through <see cref="RtpMediaSession"/>'s receive
/// handler — parse, source check, statistics, decode and the engine-wide <see cref="MediaCounters"/> — and a sent
/// packet's account in the <see cref="MediaPacer"/> (packets sent, late sends, lateness histogram) must allocate
/// nothing, with the meters exported (a <see cref="MeterListener"/> subscribed to every <c>Ivr.*</c> instrument, as the
/// Prometheus exporter is). The counters alone are measured too; a scrape (reading every media instrument) is not on the
/// RTP path and is shown for scale.
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class MediaMetricsBenchmarks
{
    private const int DtmfPayloadType = 101;
    private static readonly long SixMilliseconds = Stopwatch.Frequency * 6 / 1000;

    private readonly byte[] _audio = new byte[172];
    private readonly byte[] _dtmf = new byte[16];
    private readonly byte[] _garbage = new byte[40];
    private RtpMediaSessionFactory _media = null!;
    private MediaCounters _counters = null!;
    private RtpMediaSession _session = null!;
    private Socket _peer = null!;
    private SocketAddress _source = null!;
    private MediaMetrics _metrics = null!;
    private MeterListener _listener = null!;
    private ushort _sequence;
    private uint _dtmfTimestamp;
    private long _observed;

    [GlobalSetup]
    public void Setup()
    {
        _peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peer = (IPEndPoint)_peer.LocalEndPoint!;
        _source = peer.Serialize();
        // The engine's media plug: its sessions count into its counters, which the media meter observes.
        _media = new RtpMediaSessionFactory(new MediaOptions { PortRange = "50000-52000" }, "127.0.0.1", TimeProvider.System);
        _counters = _media.Counters;
        _session = (RtpMediaSession)_media.Reserve().Open(new NegotiatedMedia(MediaFormat.Default, peer, new IPEndPoint(peer.Address, peer.Port + 1), MediaDirection.SendRecv));

        var pcm = new short[160];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000));
        }

        new RtpSender(0, 0x5678, 100, 0).WriteAudio(_audio, AudioCodec.Pcmu, pcm);
        new RtpSender(DtmfPayloadType, 0x5678, 200, 0).Write(_dtmf, true, DtmfPayloadType, 4000, [5, 0x8A, 0x03, 0x20]);

        // Exported as in the engine: the media meter's instruments observe these counters, and a listener is subscribed.
        _metrics = new MediaMetrics(() => _media.Counters, () => _media.Pacer, new EngineMeterFactory());
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name.StartsWith(OpsServiceCollectionExtensions.MeterPrefix, StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _observed += value);
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _observed += (long)value);
        _listener.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.RecordObservableInstruments();
        Console.WriteLine($"// MediaMetricsBenchmarks: received {_counters.PacketsReceived}, ignored {_counters.PacketsIgnored}, DTMF {_counters.DtmfReceived}; observed sum {_observed}");
        _listener.Dispose();
        _metrics.Dispose();
        _session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _media.Dispose();
        _peer.Dispose();
    }

    /// <summary>One 20 ms µ-law packet through the session's receive handler (counted in <see cref="MediaCounters"/>).</summary>
    [Benchmark]
    public long ReceiveAudioPacket()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_audio.AsSpan(2), ++_sequence);
        _session.OnDatagram(_audio, _source);
        return _counters.PacketsReceived;
    }

    /// <summary>One new RFC 4733 key press through the receive handler (counted as a packet and a digit).</summary>
    [Benchmark]
    public long ReceiveDtmfPacket()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_dtmf.AsSpan(2), ++_sequence);
        BinaryPrimitives.WriteUInt32BigEndian(_dtmf.AsSpan(4), _dtmfTimestamp += 1600);
        _session.OnDatagram(_dtmf, _source);
        return _counters.DtmfReceived;
    }

    /// <summary>A datagram that is not RTP, dropped and counted as ignored.</summary>
    [Benchmark]
    public long IgnoreDatagram()
    {
        _session.OnDatagram(_garbage, _source);
        return _counters.PacketsIgnored;
    }

    /// <summary>The pacer's account of one packet sent 6 ms late: packets sent, late sends, worst and lateness histogram.</summary>
    [Benchmark]
    public long RecordLateSend()
    {
        _media.Pacer.RecordSend(Stopwatch.GetTimestamp() - SixMilliseconds);
        return _media.Pacer.LateSends;
    }

    /// <summary>The four engine-wide RTP counters alone (one interlocked increment each).</summary>
    [Benchmark]
    public long CountersOnly()
    {
        _counters.PacketReceived();
        _counters.PacketIgnored();
        _counters.DigitReceived();
        _counters.DigitSent();
        return _counters.PacketsReceived;
    }

    /// <summary>A scrape of the media meter (every observable instrument read once) — per scrape, not per packet.</summary>
    [Benchmark]
    public long ScrapeMediaInstruments()
    {
        _listener.RecordObservableInstruments();
        return _observed;
    }

    /// <summary>The smallest <see cref="IMeterFactory"/>: meters the listener above sees, as the host's factory makes them.</summary>
    private sealed class EngineMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters) meter.Dispose();
        }
    }
}
