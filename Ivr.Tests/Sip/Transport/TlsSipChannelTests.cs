using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Transport;

/// <summary>The TLS channel over real loopback sockets, driven by .NET's own <see cref="SslStream"/> as the peer.</summary>
public sealed class TlsSipChannelTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Handshake = TimeSpan.FromSeconds(5);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-tls-");
    private readonly FakeTimeProvider _clock = new();
    private readonly BlockingCollection<(string Text, SipEndPoint Remote)> _received = new();
    private TestCertificate _certificate = null!;
    private TlsSipChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _certificate = TestCertificate.Create(_folder.FullName);
        _channel = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0), new SipTlsSettings { Certificate = _certificate.Certificate, HandshakeTimeout = Handshake },
            NullLogger.Instance, new TcpSipChannelOptions { MaxConnections = 4, IdleTimeout = TimeSpan.FromMinutes(10) }, _clock);
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

    // A client that trusts exactly the test certificate (what a lab peer configured with it as its CA does).
    private async Task<(Socket Socket, SslStream Tls)> ConnectTlsAsync(SslProtocols protocols = SslProtocols.None)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_channel.LocalEndPoint.EndPoint);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        using var cts = new CancellationTokenSource(Bound);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == _certificate.Certificate.GetCertHashString(),
        }, cts.Token);
        return (socket, tls);
    }

    private (string Text, SipEndPoint Remote) Next()
    {
        Assert.True(_received.TryTake(out var item, Bound), "nothing received");
        return item;
    }

    [Fact]
    public async Task Request_OverTls_IsReceivedAndItsResponseComesBackOnTheSameConnection()
    {
        var (_, tls) = await ConnectTlsAsync();
        await using var _ = tls;
        Assert.True(tls.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, $"negotiated {tls.SslProtocol}");
        await tls.WriteAsync(Encoding.UTF8.GetBytes(Message("t1")));
        var request = Next();
        Assert.Contains("Call-ID: t1", request.Text, StringComparison.Ordinal);
        Assert.Equal(SipProtocol.Tls, request.Remote.Protocol);

        // RFC 3261 §18.2.2: the response goes back on the connection the request came in on.
        await _channel.SendAsync("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), request.Remote, CancellationToken.None);
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Bound);
        var n = await tls.ReadAsync(buffer, cts.Token);
        Assert.StartsWith("SIP/2.0 200 OK", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
        Assert.Equal(1, _channel.ConnectionCount);
    }

    [Fact]
    public async Task HandshakeNeverCompleted_HoldsItsSlotOnlyUntilTheHandshakeTimeout()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(_channel.LocalEndPoint.EndPoint);
        Assert.True(SpinWait.SpinUntil(() => _channel.ConnectionCount == 1, Bound), "the connection was never accepted");

        _clock.Advance(Handshake);
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(Bound);
        int n;
        try
        {
            n = await silent.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            n = 0;
        }
        Assert.Equal(0, n);
        Assert.True(SpinWait.SpinUntil(() => _channel.ConnectionCount == 0, Bound), "the slot was not freed");

        // The channel keeps serving.
        var (_, tls) = await ConnectTlsAsync();
        await using var _ = tls;
        await tls.WriteAsync(Encoding.UTF8.GetBytes(Message("after")));
        Assert.Contains("Call-ID: after", Next().Text, StringComparison.Ordinal);
    }

    [Theory]
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are obsolete: that is what this test offers.
    [InlineData(SslProtocols.Tls)]
    [InlineData(SslProtocols.Tls11)]
    [InlineData(SslProtocols.Tls | SslProtocols.Tls11)]
#pragma warning restore SYSLIB0039
    public async Task ClientOfferingOnlyTls10Or11_IsRefused(SslProtocols old)
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectTlsAsync(old));
        Assert.True(refused is AuthenticationException or IOException, $"unexpected {refused}");

        var (_, tls) = await ConnectTlsAsync();
        await using var _ = tls;
        Assert.True(tls.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, $"negotiated {tls.SslProtocol}");
    }

    [Fact]
    public async Task SendAsync_ToATlsServerWeTrust_OpensAVerifiedConnection()
    {
        var inbox = new BlockingCollection<string>();
        await using var server = await StartPeerAsync(_certificate.Certificate, inbox);
        await using var client = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0),
            new SipTlsSettings { Certificate = _certificate.Certificate, TrustedRoots = [X509CertificateLoader.LoadCertificateFromFile(_certificate.CertificateFile)] }, NullLogger.Instance);
        await client.StartAsync((_, _, _) => { }, CancellationToken.None);

        await client.SendAsync(Encoding.UTF8.GetBytes(Message("out")), server.LocalEndPoint, CancellationToken.None);
        Assert.True(inbox.TryTake(out var text, Bound), "the server got nothing");
        Assert.Contains("Call-ID: out", text, StringComparison.Ordinal);
        Assert.Equal(1, client.ConnectionCount);
    }

    [Fact]
    public async Task SendAsync_ToATlsServerNotTrusted_SendsNothingAndKeepsNoConnection()
    {
        var inbox = new BlockingCollection<string>();
        using var other = TestCertificate.Create(_folder.FullName, name: "stranger");
        await using var server = await StartPeerAsync(other.Certificate, inbox);
        await using var client = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0),
            new SipTlsSettings { Certificate = _certificate.Certificate, TrustedRoots = [X509CertificateLoader.LoadCertificateFromFile(_certificate.CertificateFile)] }, NullLogger.Instance);
        await client.StartAsync((_, _, _) => { }, CancellationToken.None);

        // The send completes once the handshake failed: the message never reached the socket.
        await client.SendAsync(Encoding.UTF8.GetBytes(Message("secret")), server.LocalEndPoint, CancellationToken.None).AsTask().WaitAsync(Bound);
        Assert.Equal(0, client.ConnectionCount);
        Assert.Empty(inbox);
    }

    private static async Task<TlsSipChannel> StartPeerAsync(X509Certificate2 certificate, BlockingCollection<string> inbox)
    {
        var peer = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0), new SipTlsSettings { Certificate = certificate }, NullLogger.Instance);
        await peer.StartAsync((msg, _, _) => inbox.Add(Encoding.UTF8.GetString(msg)), CancellationToken.None);
        return peer;
    }
}
