using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Ivr.Engine.Media;

namespace Ivr.Benchmarks;

/// <summary>
/// The shared pacing loop's work for 500 calls playing a prompt (STYLE.md rule 9: nothing allocated per tick or
/// packet). One operation is one 20 ms period: two 10 ms ticks, 500 packets. The longer warm-up lets tiered JIT finish
/// promoting the session code, whose compilation otherwise shows up as a few bytes per operation in the first iterations.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(15)]
public class MediaPacerBenchmarks
{
    private const int Sessions = 500;

    private readonly List<RtpMediaSession> _sessions = [];
    private readonly RtpSender[] _senders = new RtpSender[Sessions];
    private readonly int[] _positions = new int[Sessions];
    private readonly byte[] _packet = new byte[1500];
    private MediaPacer _pacer = null!;
    private RtpPortAllocator _ports = null!;
    private Socket _sink = null!;
    private AudioClip _clip = null!;
    private long _start;
    private long _tick;
    private long _k;

    [GlobalSetup]
    public void Setup()
    {
        var samples = new short[8000 * 60];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000));
        }

        _clip = new AudioClip(samples, "tone");
        _clip.GetEncoded(AudioCodec.Pcmu);

        // A socket nobody reads: the kernel drops what overflows, the sends cost what real sends cost.
        _sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var sink = (IPEndPoint)_sink.LocalEndPoint!;
        _ports = new RtpPortAllocator(IPAddress.Loopback, 40000, 50000);
        _pacer = new MediaPacer(autoStart: false);
        for (var i = 0; i < Sessions; i++)
        {
            var session = new RtpMediaSession(_ports, _pacer);
            session.Configure(new NegotiatedMedia(MediaFormat.Default, sink, new IPEndPoint(sink.Address, sink.Port + 1), MediaDirection.SendRecv));
            session.StartAsync().GetAwaiter().GetResult();
            session.Play(_clip);
            _sessions.Add(session);
            _senders[i] = new RtpSender(0, (uint)i, 0, 0);
        }

        _start = Stopwatch.GetTimestamp();
        _tick = Stopwatch.Frequency / 100;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// MediaPacerBenchmarks: pacer {_pacer.PacketsSent} sent, {_pacer.Faults} faults; session faults {_sessions.Sum(x => x.Faults)}, received {_sessions.Sum(x => x.PacketsReceived)}, ignored {_sessions.Sum(x => x.PacketsIgnored + x.PacketsFromUnexpectedSource)}; gen0 {GC.CollectionCount(0)}");
        foreach (var session in _sessions)
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _pacer.Dispose();
        _sink.Dispose();
    }

    /// <summary>Two pacer ticks over 500 real sessions: slice the prompt, packetise, send to a discard socket.</summary>
    [Benchmark]
    public long PacerTick500SessionsWithSend()
    {
        _pacer.Tick(_start + (_k++ * _tick));
        _pacer.Tick(_start + (_k++ * _tick));
        return _pacer.PacketsSent;
    }

    /// <summary>The same per-packet work without sockets: slice the shared encoded prompt and write 500 RTP packets.</summary>
    [Benchmark]
    public int PacerWork500SessionsNoSocket()
    {
        var encoded = _clip.GetEncoded(AudioCodec.Pcmu).Span;
        var total = 0;
        for (var i = 0; i < Sessions; i++)
        {
            var position = _positions[i];
            if (position + 160 > encoded.Length)
            {
                position = 0;
            }

            total += _senders[i].WriteAudio(_packet, encoded.Slice(position, 160), 160);
            _positions[i] = position + 160;
        }

        return total;
    }

    /// <summary>
    /// Control: spins for as long as one <see cref="PacerTick500SessionsWithSend"/> takes (1.6 ms) and does nothing
    /// else. MemoryDiagnoser counts every thread's allocations, so what this shows is background noise of the process
    /// (runtime threads, 500 idle receive loops), not the pacing work.
    /// </summary>
    [Benchmark]
    public long ControlSpin1600us()
    {
        var until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 16 / 10_000);
        var spins = 0L;
        while (Stopwatch.GetTimestamp() < until)
        {
            spins++;
        }

        return spins;
    }
}
