using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Sip.Stack;

/// <summary>
/// The extra headers an outbound INVITE may carry (the X-Ivr-* context to the agent): only X- extension names, no control
/// character in a value; anything else is refused before a byte is sent. A plain UDP socket on loopback plays the callee.
/// </summary>
public sealed class SipStackExtraHeaderTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly SipStack _stack = new(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance);
    private readonly UdpClient _callee = new(new IPEndPoint(IPAddress.Loopback, 0));

    public Task InitializeAsync() => _stack.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        _callee.Dispose();
        await _stack.DisposeAsync();
    }

    private SipUri Target => SipUri.Parse("sip:a1@" + (IPEndPoint)_callee.Client.LocalEndPoint!);

    [Theory]
    [InlineData("Via", "SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKevil")]
    [InlineData("Content-Length", "0")]
    [InlineData("Call-ID", "evil@127.0.0.1")]
    [InlineData("Route", "<sip:127.0.0.1:1;lr>")]
    [InlineData("Ivr-Skill", "billing")]
    [InlineData("X-", "empty-name-after-prefix")]
    [InlineData("X-Bad Name", "space in the name")]
    [InlineData("X-Ivr-Tier", "gold\r\nX-Evil: injected")]
    [InlineData("X-Ivr-Tier", "gold\nX-Evil: injected")]
    public async Task InviteAsync_RefusesANonExtensionNameOrAControlCharacter_AndSendsNothing(string name, string value)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _stack.InviteAsync(Target, "ivr", null, TestCallHandler.Sdp, TimeSpan.FromSeconds(5), CancellationToken.None,
            extraHeaders: [new("X-Ivr-Call-Id", "ok"), new(name, value)]));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _callee.Available);
    }
}
