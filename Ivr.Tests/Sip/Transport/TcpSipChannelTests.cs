using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Transport;

public sealed class TcpSipChannelTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new();
    private readonly BlockingCollection<(string Text, SipEndPoint Remote)> _received = new();
    private TcpSipChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _channel = new TcpSipChannel(new IPEndPoint(IPAddress.Loopback, 0), NullLogger.Instance,
            new TcpSipChannelOptions { MaxConnections = 2, IdleTimeout = TimeSpan.FromSeconds(60) }, _clock);
        await _channel.StartAsync((msg, remote, _) => _received.Add((Encoding.UTF8.GetString(msg), remote)), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _channel.DisposeAsync();

    private static string Message(string callId) =>
        $"OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK{callId}\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    private async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(_channel.LocalEndPoint.EndPoint);
        return s;
    }

    private (string Text, SipEndPoint Remote) Next()
    {
        Assert.True(_received.TryTake(out var item, Bound));
        return item;
    }

    private static async Task<int> ReadAsync(Socket s, byte[] buffer)
    {
        using var cts = new CancellationTokenSource(Bound);
        return await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
    }

    [Fact]
    public async Task Messages_SplitAcrossSegments_AreFramedAndAnsweredOnTheSameConnection()
    {
        using var s = await ConnectAsync();
        var bytes = Encoding.UTF8.GetBytes(Message("m1") + Message("m2"));
        await s.SendAsync(bytes.AsMemory(0, 30));
        await s.SendAsync(bytes.AsMemory(30));
        var first = Next();
        Assert.Contains("Call-ID: m1", first.Text, StringComparison.Ordinal);
        Assert.Contains("Call-ID: m2", Next().Text, StringComparison.Ordinal);

        // RFC 3261 §18.2.2: the response goes back on the connection the request came in on.
        await _channel.SendAsync("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), first.Remote, CancellationToken.None);
        var buffer = new byte[256];
        var n = await ReadAsync(s, buffer);
        Assert.StartsWith("SIP/2.0 200 OK", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepAlivePing_IsAnsweredWithCrlf()
    {
        using var s = await ConnectAsync();
        await s.SendAsync("\r\n\r\n"u8.ToArray());
        var buffer = new byte[16];
        var n = await ReadAsync(s, buffer);
        Assert.Equal("\r\n", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task BadStream_ClosesOnlyThatConnection()
    {
        using var good = await ConnectAsync();
        using var bad = await ConnectAsync();
        await bad.SendAsync(Encoding.UTF8.GetBytes("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n"));
        var buffer = new byte[64];
        Assert.Equal(0, await ReadAsync(bad, buffer));

        await good.SendAsync(Encoding.UTF8.GetBytes(Message("still-here")));
        Assert.Contains("still-here", Next().Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTimeout()
    {
        using var s = await ConnectAsync();
        await s.SendAsync(Encoding.UTF8.GetBytes(Message("idle")));
        Next();
        _clock.Advance(TimeSpan.FromSeconds(90));
        var buffer = new byte[16];
        Assert.Equal(0, await ReadAsync(s, buffer));
    }

    [Fact]
    public async Task OverConnectionLimit_NewConnectionIsClosed()
    {
        using var a = await ConnectAsync();
        using var b = await ConnectAsync();
        await a.SendAsync(Encoding.UTF8.GetBytes(Message("a")));
        await b.SendAsync(Encoding.UTF8.GetBytes(Message("b")));
        Next();
        Next();
        using var c = await ConnectAsync();
        var buffer = new byte[16];
        Assert.Equal(0, await ReadAsync(c, buffer));
    }

    [Fact]
    public async Task SendAsync_ToNewTarget_OpensAConnection()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var target = new SipEndPoint(SipProtocol.Tcp, (IPEndPoint)listener.LocalEndPoint!);
        await _channel.SendAsync(Encoding.UTF8.GetBytes(Message("out")), target, CancellationToken.None);
        using var cts = new CancellationTokenSource(Bound);
        using var peer = await listener.AcceptAsync(cts.Token);
        var buffer = new byte[512];
        var n = await ReadAsync(peer, buffer);
        Assert.Contains("Call-ID: out", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
        Assert.Equal(1, _channel.ConnectionCount);
    }
}
