using Ivr.Engine.Calls;
using Ivr.Engine.Media;

namespace Ivr.Tests.Calls;

/// <summary>
/// <c>Media:SrtpKeysOverPlainSignalling</c> on the dialer's side (RFC 4568 §8.3): what the INVITE offers, or whether it is
/// sent at all, depending on whether it travels over TLS. The SIP stack is the in-process scripted one (its answer is left
/// empty, so each leg ends right after the offer is recorded).
/// </summary>
public sealed class OutboundDialerSrtpTests
{
    [Fact]
    public async Task Dial_SrtpRequired_RefuseOverUdp_PlacesNoCall()
    {
        var stack = new InProcessSipStack();
        var dialer = Dialer(stack, SrtpPolicy.Required, SrtpKeysOverPlainSignalling.Refuse);

        var result = await dialer.DialAsync("sip:agent@127.0.0.1:5090", null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.False(result.IsUp);
        Assert.Equal(488, result.StatusCode);
        Assert.Contains("TLS", result.Problem, StringComparison.Ordinal);
        Assert.Null(stack.OfferSent);
    }

    [Fact]
    public async Task Dial_SrtpOptional_RefuseOverUdp_OffersPlainRtpWithoutKeys()
    {
        var stack = new InProcessSipStack();
        var dialer = Dialer(stack, SrtpPolicy.Optional, SrtpKeysOverPlainSignalling.Refuse);

        await dialer.DialAsync("sip:agent@127.0.0.1:5090;transport=tcp", null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.NotNull(stack.OfferSent);
        Assert.DoesNotContain("a=crypto", stack.OfferSent, StringComparison.Ordinal);
        Assert.Contains("RTP/AVP", stack.OfferSent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dial_SrtpRequired_RefuseOverTls_OffersTheKeys()
    {
        var stack = new InProcessSipStack();
        var dialer = Dialer(stack, SrtpPolicy.Required, SrtpKeysOverPlainSignalling.Refuse);

        await dialer.DialAsync("sips:agent@127.0.0.1:5091", null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.NotNull(stack.OfferSent);
        Assert.Contains("RTP/SAVP", stack.OfferSent, StringComparison.Ordinal);
        Assert.Contains("a=crypto", stack.OfferSent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dial_SrtpOptional_WarnOverUdp_OffersTheKeysAndCountsOnce_NotOverTls()
    {
        var stack = new InProcessSipStack();
        using var metrics = new CallMetrics();
        var dialer = Dialer(stack, SrtpPolicy.Optional, SrtpKeysOverPlainSignalling.Warn, metrics);

        await dialer.DialAsync("sip:agent@127.0.0.1:5090", null, TimeSpan.FromSeconds(5), CancellationToken.None);
        var overUdp = stack.OfferSent;
        await dialer.DialAsync("sip:agent@127.0.0.1:5091;transport=tls", null, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Contains("a=crypto", overUdp, StringComparison.Ordinal);
        Assert.Contains("a=crypto", stack.OfferSent, StringComparison.Ordinal);
        Assert.Equal(1, metrics.KeysOverPlainSignalling.Get("outbound"));
        Assert.Equal(1, metrics.KeysOverPlainSignalling.Total);
    }

    private static OutboundDialer Dialer(InProcessSipStack stack, SrtpPolicy srtp, SrtpKeysOverPlainSignalling plain, CallMetrics? metrics = null) =>
        new(() => stack, new InProcessMediaFactory(), "ivr", srtp: srtp, plainSignalling: plain, metrics: metrics);
}
