using System.Net;
using Ivr.Engine.Net;
using Ivr.Engine.Media;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Tests.Media;

/// <summary>Real sockets on 127.0.0.1 for media tests: one allocator and one pacer, sessions closed at the end.</summary>
internal sealed class MediaRig : IAsyncDisposable
{
    private readonly List<RtpMediaSession> _sessions = [];

    public MediaRig()
    {
        // Away from the default 10000-20000, where baresip/sipp tests on this machine put their RTP.
        Ports = new RtpPortAllocator(IPAddress.Loopback, 24000, 28998);
        Pacer = new MediaPacer();
    }

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public RtpPortAllocator Ports { get; }

    /// <summary>The counters every session of this rig adds to.</summary>
    public MediaCounters Counters { get; } = new();

    public MediaPacer Pacer { get; }

    public static MediaFormat Pcmu20 { get; } = MediaFormat.Default;

    public static MediaFormat Pcma30 { get; } = new(AudioCodec.Pcma, 8, 30, 101);

    public static NegotiatedMedia Media(IPEndPoint remote, MediaFormat? format = null) =>
        new(format ?? Pcmu20, remote, new IPEndPoint(remote.Address, remote.Port + 1), MediaDirection.SendRecv);

    public RtpMediaSession Create(NatNetworks? natNetworks = null)
    {
        var session = new RtpMediaSession(Ports, Pacer, counters: Counters, natNetworks: natNetworks);
        _sessions.Add(session);
        return session;
    }

    /// <summary>Two started sessions sending to each other.</summary>
    public async Task<(RtpMediaSession A, RtpMediaSession B)> PairAsync(MediaFormat? formatA = null, MediaFormat? formatB = null)
    {
        var a = Create();
        var b = Create();
        a.Configure(Media(b.LocalEndPoint, formatA));
        b.Configure(Media(a.LocalEndPoint, formatB ?? formatA));
        await a.StartAsync();
        await b.StartAsync();
        return (a, b);
    }

    /// <summary>A started session whose negotiated remote is <paramref name="remote"/>.</summary>
    public async Task<RtpMediaSession> StartAsync(IPEndPoint remote, MediaFormat? format = null, NatNetworks? natNetworks = null)
    {
        var session = Create(natNetworks);
        session.Configure(Media(remote, format));
        await session.StartAsync();
        return session;
    }

    public static AudioClip Tone(double frequency, TimeSpan duration, string name = "tone") =>
        new(Signal.Sine(frequency, 8000, (int)(duration.TotalSeconds * 8000)), name);

    public static string SoundsFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Ivr.sln")))
                {
                    return Path.Combine(dir.FullName, "sounds");
                }
            }

            throw new DirectoryNotFoundException("Repository root (Ivr.sln) not found above the test binaries.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        Pacer.Dispose();
    }
}
