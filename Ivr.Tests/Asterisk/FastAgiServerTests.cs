using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Ivr.Engine.Asterisk;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// The FastAGI server in process, with plain TCP clients acting as Asterisk on loopback: who may connect, how many at
/// once, and how long an environment may take.
/// </summary>
public sealed class FastAgiServerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task OverMaxConnections_TheExtraConnectionIsClosedAtOnceAndCounted_AndAFreedSlotServesAgain()
    {
        await using var server = await Server.StartAsync(FastAgiLimits.Default with { MaxConnections = 2, EnvironmentTimeout = TimeSpan.FromMinutes(5) });
        using var first = await server.ConnectAsync();
        using var second = await server.ConnectAsync();

        using var third = await server.ConnectAsync();
        Assert.Equal(0, await ReadToCloseAsync(third));
        Assert.Equal(1, server.Metrics.Errors.Get("limit"));

        // A pending connection that sends garbage is closed and frees its slot.
        await first.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\n\n"));
        Assert.Equal(0, await ReadToCloseAsync(first));
        using var fourth = await server.ConnectAsync();
        await fourth.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Environment("1.4")));
        var session = await server.Sessions.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal("1.4", session.Environment.UniqueId);
        Assert.Equal(2, server.Agi.Connections);

        await session.DisposeAsync();
        Assert.Equal(1, server.Agi.Connections);
    }

    [Fact]
    public async Task APeerOutsideAllowedPeers_IsClosedAtOnceAndCounted_AnAllowedOneIsServed()
    {
        await using var server = await Server.StartAsync(FastAgiLimits.Default with { AllowedPeers = FastAgiLimits.ParsePeers("127.0.0.5, 10.0.0.0/8") });

        using var stranger = await server.ConnectAsync(IPAddress.Parse("127.0.0.7"));
        Assert.Equal(0, await ReadToCloseAsync(stranger));
        Assert.Equal(1, server.Metrics.Errors.Get("peer"));

        using var asterisk = await server.ConnectAsync(IPAddress.Parse("127.0.0.5"));
        await asterisk.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Environment("2.1")));
        var session = await server.Sessions.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal("2.1", session.Environment.UniqueId);
        await session.DisposeAsync();
    }

    [Fact]
    public async Task AConnectionThatSendsNoEnvironment_IsClosedAtTheEnvironmentTimeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await Server.StartAsync(FastAgiLimits.Default, time);
        using var silent = await server.ConnectAsync();
        await WaitForAsync(() => server.Agi.Connections == 1);

        // The session's deadline is set a moment after accept: the clock moves a second at a time until it fires.
        var advanced = TimeSpan.Zero;
        await WaitForAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            return server.Metrics.Errors.Get("timeout") == 1;
        });

        Assert.True(advanced >= FastAgiLimits.Default.EnvironmentTimeout, $"closed after {advanced} of fake time");
        Assert.Equal(0, await ReadToCloseAsync(silent));
        Assert.Equal(0, server.Agi.Connections);
    }

    [Fact]
    public async Task AnEnvironmentOver16Kb_IsAProtocolError()
    {
        await using var server = await Server.StartAsync(FastAgiLimits.Default);
        using var big = await server.ConnectAsync();
        var lines = Enumerable.Range(1, 4).Select(i => $"agi_arg_{i}: " + new string('x', 5000) + "\n");

        await big.GetStream().WriteAsync(Encoding.ASCII.GetBytes("agi_network_script: x\n" + string.Concat(lines)));

        Assert.Equal(0, await ReadToCloseAsync(big));
        await WaitForAsync(() => server.Metrics.Errors.Get("environment") == 1);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "::ffff:192.0.2.7", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("", "203.0.113.9", true)]
    public void AllowedPeers_MatchAddressesAndNetworks(string peers, string address, bool allowed) =>
        Assert.Equal(allowed, (FastAgiLimits.Default with { AllowedPeers = FastAgiLimits.ParsePeers(peers) }).Allows(IPAddress.Parse(address)));

    [Fact]
    public void AllowedPeers_ABadEntry_IsAClearError()
    {
        var ex = Assert.Throws<FormatException>(() => FastAgiLimits.ParsePeers("10.0.0.0/8, asterisk.local"));

        Assert.Contains("'asterisk.local'", ex.Message, StringComparison.Ordinal);
    }

    private static string Environment(string uniqueId) =>
        $"agi_network: yes\nagi_network_script: hotline\nagi_channel: PJSIP/t-1\nagi_uniqueid: {uniqueId}\n\n";

    private static async Task<int> ReadToCloseAsync(TcpClient client)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Bound);
        int read;
        do read = await client.GetStream().ReadAsync(buffer, cts.Token);
        while (read > 0);
        return read;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Bound);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition()) await ticks.WaitForNextTickAsync(cts.Token);
    }

    private sealed class Server : IAsyncDisposable, IAgiSessionHandler
    {
        private Server(FastAgiLimits limits, TimeProvider? time)
        {
            Agi = new FastAgiServer(new IPEndPoint(IPAddress.Loopback, 0), this, Metrics, limits, NullLogger<FastAgiServer>.Instance, time);
        }

        public AgiMetrics Metrics { get; } = new();

        public FastAgiServer Agi { get; }

        public Channel<AgiSession> Sessions { get; } = Channel.CreateUnbounded<AgiSession>();

        public static async Task<Server> StartAsync(FastAgiLimits limits, TimeProvider? time = null)
        {
            var server = new Server(limits, time);
            await server.Agi.StartAsync(CancellationToken.None);
            return server;
        }

        public void Accept(AgiSession session) => Sessions.Writer.TryWrite(session);

        public async Task<TcpClient> ConnectAsync(IPAddress? from = null)
        {
            var client = from is null ? new TcpClient(AddressFamily.InterNetwork) : new TcpClient(new IPEndPoint(from, 0));
            await client.ConnectAsync(IPAddress.Loopback, Agi.LocalEndPoint.Port).WaitAsync(Bound);
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            await Agi.StopAsync(CancellationToken.None);
            Agi.Dispose();
            Metrics.Dispose();
        }
    }
}
