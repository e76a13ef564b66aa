using System.Collections.Concurrent;
using System.Net;
using Ivr.Engine.Asterisk.Ari;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// The ARI client's failures, in process: nothing listening, and a FAKE ARI peer (a loopback HTTP listener standing in
/// for an Asterisk that answers badly — the real Asterisk never sends these) whose externalMedia answer lacks the RTP
/// address. The good path and refused credentials run against the real Asterisk in <see cref="AriSpeechTests"/>.
/// </summary>
public sealed class AriClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OpenMedia_NothingListens_FailsAsConnect_NamingTheUrl_AndCounts()
    {
        using var metrics = new AriMetrics();
        var url = new Uri("http://127.0.0.1:" + PostgresServer.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var client = new AriClient(new AriSettings(url, "ivr", "secret", "ivr-test", TimeSpan.FromSeconds(5)), metrics);

        var ex = await Assert.ThrowsAsync<AriException>(() => client.OpenMediaAsync("1700000000.1", new IPEndPoint(IPAddress.Loopback, 40000), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal("connect", ex.Reason);
        Assert.Contains(url.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Errors.Get("connect"));
        Assert.Equal(0, metrics.Opened);
    }

    [Fact]
    public async Task OpenMedia_ExternalMediaWithoutItsRtpAddress_FailsAsReply_AndDeletesWhatItCreated()
    {
        await using var peer = new FakeAriPeer();
        using var metrics = new AriMetrics();
        await using var client = new AriClient(new AriSettings(new Uri(peer.BaseUrl), "ivr", "secret", "ivr-test", TimeSpan.FromSeconds(5)), metrics);

        var ex = await Assert.ThrowsAsync<AriException>(() => client.OpenMediaAsync("1700000000.1", new IPEndPoint(IPAddress.Loopback, 40000), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal("reply", ex.Reason);
        Assert.Contains("UNICASTRTP_LOCAL", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Errors.Get("reply"));
        var requests = peer.Requests.ToList();
        var snoop = Assert.Single(requests, r => r.StartsWith("POST /ari/channels/1700000000.1/snoop", StringComparison.Ordinal));
        Assert.Contains("spy=in", snoop, StringComparison.Ordinal);
        Assert.Contains("app=ivr-test", snoop, StringComparison.Ordinal);
        var media = Assert.Single(requests, r => r.StartsWith("POST /ari/channels/externalMedia", StringComparison.Ordinal));
        Assert.Contains("external_host=127.0.0.1%3A40000", media, StringComparison.Ordinal);
        Assert.Contains("format=ulaw", media, StringComparison.Ordinal);
        // Both channels it created are deleted; no bridge was made.
        Assert.Contains(requests, r => r.StartsWith("DELETE /ari/channels/ivr-snoop-", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith("DELETE /ari/channels/ivr-media-", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => r.Contains("/bridges", StringComparison.Ordinal));
        Assert.All(peer.Authorizations, a => Assert.Equal("Basic aXZyOnNlY3JldA==", a));
    }

    [Theory]
    [InlineData("/ari/bridges", false)]
    [InlineData("/addChannel", true)]
    public async Task OpenMedia_BridgeOrAddChannelRefused_FailsAsStatus_AndDeletesEverythingItCreated(string failing, bool bridgeMade)
    {
        await using var peer = new FakeAriPeer(withRtpAddress: true, failing: failing);
        using var metrics = new AriMetrics();
        await using var client = new AriClient(new AriSettings(new Uri(peer.BaseUrl), "ivr", "secret", "ivr-test", TimeSpan.FromSeconds(5)), metrics);

        var ex = await Assert.ThrowsAsync<AriException>(() => client.OpenMediaAsync("1700000000.1", new IPEndPoint(IPAddress.Loopback, 40000), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal("status", ex.Reason);
        Assert.Equal(1, metrics.Errors.Get("status"));
        var requests = peer.Requests.ToList();
        Assert.Contains(requests, r => r.StartsWith("DELETE /ari/channels/ivr-snoop-", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.StartsWith("DELETE /ari/channels/ivr-media-", StringComparison.Ordinal));
        Assert.Equal(bridgeMade, requests.Any(r => r.StartsWith("DELETE /ari/bridges/ivr-bridge-", StringComparison.Ordinal)));
    }
}
