using System.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;
using Ivr.Tests.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Sip.Stack;

/// <summary>Two stacks calling each other over TLS on 127.0.0.1 (RFC 3261 §26, RFC 5630), each with its own TLS channel.</summary>
public sealed class SipStackTlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-stack-tls-");
    private TestCertificate _certificate = null!;
    private SipTlsSettings _tls = null!;

    public Task InitializeAsync()
    {
        _certificate = TestCertificate.Create(_folder.FullName);
        _tls = new SipTlsSettings { Certificate = _certificate.Certificate, TrustedRoots = [_certificate.Certificate] };
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _certificate.Dispose();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private (SipStack Stack, TlsSipChannel Channel) NewStack(TestCallHandler? handler)
    {
        var channel = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0), _tls, NullLogger.Instance);
        var stack = new SipStack(new SipStackSettings(), [channel], NullLoggerFactory.Instance) { IncomingCallHandler = handler };
        return (stack, channel);
    }

    [Theory]
    [InlineData("sips:hotline@{0}", "<sips:agent@")]
    [InlineData("sip:hotline@{0};transport=tls", ";transport=tls>")]
    public async Task InviteAsync_ToASecureTarget_GoesOverTlsAndTheCalleesByeComesBackOnTheSameConnection(string target, string contact)
    {
        var handler = new TestCallHandler(TestCallMode.AnswerThenHangup);
        var (callee, calleeChannel) = NewStack(handler);
        await using var _ = callee;
        var (caller, callerChannel) = NewStack(null);
        await using var __ = caller;
        await callee.StartAsync(CancellationToken.None);
        await caller.StartAsync(CancellationToken.None);

        var uri = SipUri.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, target, calleeChannel.LocalEndPoint.EndPoint));
        var call = await caller.InviteAsync(uri, "agent", null, TestCallHandler.Sdp, TimeSpan.FromSeconds(20), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(OutboundCallStatus.Answered, call.Status);
        Assert.True(handler.Sessions.TryPeek(out var session));
        // What the SRTP side asks: this call arrived over TLS.
        Assert.Equal(SipProtocol.Tls, session.Remote.Protocol);
        Assert.Equal("TLS", session.Invite.TopVia!.Transport);
        Assert.Contains(contact, session.Invite.Headers[SipHeaderNames.Contact]!, StringComparison.Ordinal);

        // The callee hangs up once ACKed: its BYE goes over the connection the caller opened (§18.2.2), not to our Contact.
        foreach (var work in handler.Work) await work.WaitAsync(Bound);
        Assert.Equal(1, handler.Acked);
        Assert.Equal(1, callerChannel.ConnectionCount);
        Assert.Equal(1, calleeChannel.ConnectionCount);
    }

    [Fact]
    public async Task InviteAsync_ToASipsTargetWithoutTls_FailsAndSendsNothingInPlaintext()
    {
        await using var plain = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance);
        await plain.StartAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            plain.InviteAsync(SipUri.Parse("sips:hotline@127.0.0.1:1"), "agent", null, TestCallHandler.Sdp, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("no TLS channel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SipsRequestOverUdp_GetsASipsContactOnTheTlsAddress_OrAPlainOneWithoutTls()
    {
        // Only the Contact is built here: channels bound on loopback, the stack not started.
        var udp = new UdpSipChannel(new IPEndPoint(IPAddress.Loopback, 0), NullLogger.Instance);
        var tls = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0), _tls, NullLogger.Instance);
        await using (var both = new SipStack(new SipStackSettings(), [udp, tls], NullLoggerFactory.Instance))
        {
            Assert.Equal($"<sips:ivr@127.0.0.1:{tls.LocalEndPoint.EndPoint.Port}>", both.ContactFor(SipProtocol.Udp, "ivr", sips: true));
        }

        var alone = new UdpSipChannel(new IPEndPoint(IPAddress.Loopback, 0), NullLogger.Instance);
        await using var plain = new SipStack(new SipStackSettings(), [alone], NullLoggerFactory.Instance);
        Assert.Equal($"<sip:ivr@127.0.0.1:{alone.LocalEndPoint.EndPoint.Port}>", plain.ContactFor(SipProtocol.Udp, "ivr", sips: true));
    }
}
