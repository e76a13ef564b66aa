using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Asterisk.Ari;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// The ARI audio path of one call, in process: the real <see cref="AriClient"/> against the FAKE ARI peer, real RTP
/// ports on loopback (a range of one port pair, so a port not given back shows as the next reservation failing), and a
/// fake clock for the grace after listening stops.
/// </summary>
public sealed class AriAudioSessionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ListeningAgainWithinGrace_ReusesThePath_OneSnoop_ThenCloseDeletesAll_AndGivesThePortBack()
    {
        await using var peer = new FakeAriPeer(withRtpAddress: true);
        using var metrics = new AriMetrics();
        await using var client = Client(peer.BaseUrl, metrics);
        using var factory = OnePairFactory();
        var time = new FakeTimeProvider();
        var session = new AriAudioSession(client, factory, "1700000000.1", null, time, new ListLogger());

        session.Listening(true);
        await session.Settled.WaitAsync(Bound);
        Assert.True(session.IsOpen);
        session.Listening(false);
        time.Advance(AriAudioSession.Grace / 2);
        session.Listening(true);
        time.Advance(AriAudioSession.Grace * 3);
        await session.Settled.WaitAsync(Bound);

        Assert.True(session.IsOpen);
        Assert.Single(peer.Requests, r => r.Contains("/snoop", StringComparison.Ordinal));
        Assert.Equal(1, metrics.Open);
        await session.DisposeAsync();
        Assert.False(session.IsOpen);
        Assert.Equal(0, metrics.Open);
        Assert.Equal(1, metrics.Opened);
        AssertAllDeleted(peer);
        using var again = factory.Reserve();
        Assert.Equal(IPAddress.Loopback, again.LocalEndPoint.Address);
    }

    [Fact]
    public async Task CloseWhileOpening_DeletesWhatWasCreated_AndGivesThePortBack()
    {
        await using var peer = new FakeAriPeer(withRtpAddress: true);
        using var metrics = new AriMetrics();
        await using var client = Client(peer.BaseUrl, metrics);
        using var factory = OnePairFactory();
        var session = new AriAudioSession(client, factory, "1700000000.1", null, new FakeTimeProvider(), new ListLogger());

        session.Listening(true);
        session.Close();
        await session.Settled.WaitAsync(Bound);

        Assert.False(session.IsOpen);
        Assert.Equal(0, metrics.Open);
        if (peer.Requests.Any(r => r.Contains("/snoop", StringComparison.Ordinal))) AssertAllDeleted(peer);
        using var again = factory.Reserve();
        Assert.Equal(IPAddress.Loopback, again.LocalEndPoint.Address);
    }

    [Fact]
    public async Task CredentialsRefused_OneWarningPerCall_NoRetryOnTheCall_TheNextCallFailsFast_NoPortHeld()
    {
        await using var peer = new FakeAriPeer(refuse: true);
        using var metrics = new AriMetrics();
        await using var client = Client(peer.BaseUrl, metrics);
        using var factory = OnePairFactory();
        var log = new ListLogger();
        var time = new FakeTimeProvider();
        var first = new AriAudioSession(client, factory, "1700000000.1", null, time, log);

        first.Listening(true);
        await first.Settled.WaitAsync(Bound);
        first.Listening(false);
        time.Advance(AriAudioSession.Grace * 2);
        first.Listening(true);
        await first.Settled.WaitAsync(Bound);
        var asked = peer.Requests.Count;
        var second = new AriAudioSession(client, factory, "1700000000.2", null, time, log);
        second.Listening(true);
        await second.Settled.WaitAsync(Bound);

        Assert.Equal(1, asked);
        Assert.Equal(asked, peer.Requests.Count);
        Assert.Equal(2, log.Warnings.Count);
        Assert.All(log.Warnings, w => Assert.Contains("auth", w, StringComparison.Ordinal));
        Assert.Equal(2, metrics.Errors.Get("auth"));
        Assert.False(first.IsOpen || second.IsOpen);
        Assert.Equal(0, metrics.Open);
        using var free = factory.Reserve();
        Assert.Equal(IPAddress.Loopback, free.LocalEndPoint.Address);
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task UrlWithAPathPrefix_RequestsAndEventsGoUnderIt()
    {
        await using var peer = new FakeAriPeer(withRtpAddress: true, prefix: "/asterisk");
        using var metrics = new AriMetrics();
        await using var client = Client(peer.BaseUrl, metrics);

        var path = await client.OpenMediaAsync("1700000000.1", new IPEndPoint(IPAddress.Loopback, 40000), CancellationToken.None).WaitAsync(Bound);
        await client.CloseMediaAsync(path).WaitAsync(Bound);

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 40002), path.AsteriskRtp);
        Assert.Contains(peer.Requests, r => r.StartsWith("GET /asterisk/ari/events?app=ivr-test", StringComparison.Ordinal));
        Assert.Contains(peer.Requests, r => r.StartsWith("POST /asterisk/ari/channels/1700000000.1/snoop", StringComparison.Ordinal));
        Assert.All(peer.Requests, r => Assert.StartsWith(r.Split(' ')[0] + " /asterisk/ari/", r, StringComparison.Ordinal));
    }

    private static AriClient Client(string url, AriMetrics metrics) =>
        new(new AriSettings(new Uri(url), "ivr", "secret", "ivr-test", TimeSpan.FromSeconds(5)), metrics);

    private static void AssertAllDeleted(FakeAriPeer peer)
    {
        Assert.Contains(peer.Requests, r => r.StartsWith("DELETE /ari/channels/ivr-media-", StringComparison.Ordinal));
        Assert.Contains(peer.Requests, r => r.StartsWith("DELETE /ari/channels/ivr-snoop-", StringComparison.Ordinal));
        Assert.Contains(peer.Requests, r => r.StartsWith("DELETE /ari/bridges/ivr-bridge-", StringComparison.Ordinal));
    }

    // RTP on loopback over exactly one free even/odd port pair (a bounded search).
    private static RtpMediaSessionFactory OnePairFactory()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(20000, 30000) & ~1;
            try
            {
                using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                using var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                rtp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
            }
            catch (SocketException)
            {
                continue;
            }
            var range = port.ToString(CultureInfo.InvariantCulture) + "-" + (port + 1).ToString(CultureInfo.InvariantCulture);
            return new RtpMediaSessionFactory(new MediaOptions { PortRange = range, Address = "127.0.0.1" }, "127.0.0.1", TimeProvider.System);
        }
        throw new InvalidOperationException("No free UDP port pair on loopback after 50 tries.");
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) lock (Warnings) Warnings.Add(formatter(state, exception));
        }
    }
}
