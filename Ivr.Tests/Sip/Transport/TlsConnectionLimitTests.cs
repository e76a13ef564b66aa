using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ivr.Engine.Net;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Transport;

/// <summary>
/// The TLS channel's accept-time gate (the stack's real <see cref="SipSourceGuard"/>), its split between inbound and
/// verified outbound connections, and the name an outbound handshake checks; real loopback sockets, <see cref="SslStream"/> peers.
/// </summary>
public sealed class TlsConnectionLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly IPAddress Hog = IPAddress.Parse("127.0.0.7");
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.8");
    private static readonly IPAddress Banned = IPAddress.Parse("127.0.0.9");
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-tls-limit-");
    private readonly FakeTimeProvider _clock = new();
    private readonly BlockingCollection<(string Text, SipEndPoint Remote)> _received = new();
    private TestCertificate _certificate = null!;
    private SipSourceGuard _guard = null!;
    private TlsSipChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _certificate = TestCertificate.Create(_folder.FullName);
        _guard = new SipSourceGuard(
            new SipSourceLimits { MaxConnectionsPerSource = 3, Other = new SipRate(1, 1), Trusted = AddressRanges.Parse("127.0.0.1/32", "t") },
            _clock, NullLogger.Instance);
        _channel = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0), new SipTlsSettings { Certificate = _certificate.Certificate, HandshakeTimeout = TimeSpan.FromSeconds(5) },
            NullLogger.Instance, new TcpSipChannelOptions { MaxConnections = 64, IdleTimeout = TimeSpan.FromMinutes(10), Sources = _guard }, _clock);
        await _channel.StartAsync((msg, remote, _) => _received.Add((Encoding.UTF8.GetString(msg), remote)), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        _certificate.Dispose();
        _folder.Delete(recursive: true);
    }

    private static string Message(string callId) =>
        $"OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bK{callId}\r\nCall-ID: {callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    private async Task<Socket> ConnectFromAsync(IPAddress source, int port = 0)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, port));
        await socket.ConnectAsync(_channel.LocalEndPoint.EndPoint);
        return socket;
    }

    private async Task<SslStream> SecureAsync(Socket socket)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        using var cts = new CancellationTokenSource(Bound);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == _certificate.Certificate.GetCertHashString(),
        }, cts.Token);
        return tls;
    }

    // True when the channel closed the socket (end of stream or reset) within the bound.
    private static async Task<bool> ClosedByPeerAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Bound);
        try
        {
            return await socket.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token) == 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return true;
        }
    }

    [Fact]
    public async Task OneSource_OverItsConnectionLimit_IsClosedBeforeAnyHandshake_AndOtherSourcesStillConnect()
    {
        var silent = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++) silent.Add(await ConnectFromAsync(Hog));
            Assert.True(SpinWait.SpinUntil(() => _channel.ConnectionCount == 3, Bound), "the first three were not accepted");

            using var fourth = await ConnectFromAsync(Hog);
            Assert.True(await ClosedByPeerAsync(fourth), "the fourth connection from one source was kept");
            Assert.Equal(1, _channel.RefusedConnections);
            Assert.Equal(3, _channel.ConnectionCount);

            // Another source is served, and so is a trusted one (no limit).
            await using var other = await SecureAsync(await ConnectFromAsync(Other));
            await other.WriteAsync(Encoding.UTF8.GetBytes(Message("other")));
            Assert.True(_received.TryTake(out var got, Bound), "nothing received from the other source");
            Assert.Contains("Call-ID: other", got.Text, StringComparison.Ordinal);

            // A closed connection gives its source's slot back.
            silent[0].Dispose();
            Assert.True(SpinWait.SpinUntil(() => _channel.ConnectionCount == 4 - 1, Bound), "the closed connection was not removed");
            await using var again = await SecureAsync(await ConnectFromAsync(Hog));
            Assert.Equal(1, _channel.RefusedConnections);
        }
        finally
        {
            foreach (var s in silent) s.Dispose();
        }
    }

    [Fact]
    public async Task BannedSource_ConnectionIsClosedAtAccept_WithoutAHandshake()
    {
        while (_guard.Admit(Banned, SipTrafficClass.Other))
        {
        }
        Assert.True(_guard.IsBanned(Banned));

        using var socket = await ConnectFromAsync(Banned);

        Assert.True(await ClosedByPeerAsync(socket), "a banned source's connection was kept");
        Assert.Equal(1, _channel.RefusedConnections);
    }

    [Fact]
    public async Task NewRequest_ToTheAddressOfAnInboundConnection_DoesNotRideIt_ButAResponseDoes()
    {
        // A client connects *from* a port, then the engine sends a new request to that address: it must not ride the
        // client's connection, whose certificate nobody verified (RFC 5923 §4).
        await using var tls = await SecureAsync(await ConnectFromAsync(Other));
        await tls.WriteAsync(Encoding.UTF8.GetBytes(Message("in")));
        Assert.True(_received.TryTake(out var request, Bound), "nothing received");
        Assert.True(request.Remote.Flow);

        var sameAddress = new SipEndPoint(SipProtocol.Tls, request.Remote.EndPoint);
        // Nothing listens there: the verified connect fails and the send completes having sent nothing.
        await _channel.SendAsync(Encoding.UTF8.GetBytes(Message("new-request")), sameAddress, CancellationToken.None).AsTask().WaitAsync(Bound);
        await _channel.SendAsync("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), request.Remote, CancellationToken.None).AsTask().WaitAsync(Bound);

        var buffer = new byte[512];
        using var cts = new CancellationTokenSource(Bound);
        var n = await tls.ReadAsync(buffer, cts.Token);
        Assert.StartsWith("SIP/2.0 200 OK", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
        Assert.DoesNotContain("new-request", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
        Assert.Equal(1, _channel.ConnectionCount);
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("sip.example.org", false)]
    public async Task OutboundHandshake_ChecksTheTargetsName_WhenItHasOne(string host, bool delivered)
    {
        var inbox = new BlockingCollection<string>();
        await using var server = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0), new SipTlsSettings { Certificate = _certificate.Certificate }, NullLogger.Instance);
        await server.StartAsync((msg, _, _) => inbox.Add(Encoding.UTF8.GetString(msg)), CancellationToken.None);
        await using var client = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0),
            new SipTlsSettings { Certificate = _certificate.Certificate, TrustedRoots = [X509CertificateLoader.LoadCertificateFromFile(_certificate.CertificateFile)] }, NullLogger.Instance);
        await client.StartAsync((_, _, _) => { }, CancellationToken.None);

        var target = new SipEndPoint(SipProtocol.Tls, server.LocalEndPoint.EndPoint) { Host = host };
        await client.SendAsync(Encoding.UTF8.GetBytes(Message("named")), target, CancellationToken.None).AsTask().WaitAsync(Bound);

        Assert.Equal(delivered, inbox.TryTake(out _, delivered ? Bound : TimeSpan.FromSeconds(1)));
        Assert.Equal(delivered ? 1 : 0, client.ConnectionCount);
    }

    [Fact]
    public async Task OutboundHandshake_ToAServerThatNeverAnswers_EndsAtItsTimeout()
    {
        using var mute = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        mute.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        mute.Listen(4);
        var clock = new FakeTimeProvider();
        var options = new TcpSipChannelOptions { ConnectTimeout = TimeSpan.FromSeconds(5) };
        await using var client = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0),
            new SipTlsSettings { Certificate = _certificate.Certificate, HandshakeTimeout = TimeSpan.FromSeconds(5) }, NullLogger.Instance, options, clock);
        await client.StartAsync((_, _, _) => { }, CancellationToken.None);

        var send = client.SendAsync(Encoding.UTF8.GetBytes(Message("mute")), new SipEndPoint(SipProtocol.Tls, (IPEndPoint)mute.LocalEndPoint!), CancellationToken.None).AsTask();
        using var accepted = await mute.AcceptAsync().WaitAsync(Bound);
        clock.Advance(TimeSpan.FromSeconds(10));

        await send.WaitAsync(Bound);
        Assert.Equal(0, client.ConnectionCount);
        using var cts = new CancellationTokenSource(Bound);
        var buffer = new byte[4096];
        int n;
        // The client's hello may be there; after it the socket must end.
        do
        {
            try
            {
                n = await accepted.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                n = 0;
            }
        }
        while (n > 0);
    }
}
