using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Ivr.Engine.Events;
using Ivr.Engine.Integrations.ScreenPop;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Integrations;

/// <summary>The screen-pop sender against a real Kestrel receiver on loopback: signed body, and each failure counted, never thrown.</summary>
public sealed class ScreenPopSenderTests : IAsyncDisposable
{
    private const string Secret = "pop-secret";
    private static readonly DateTimeOffset Queued = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly ScreenPopMetrics _metrics = new();
    private ScreenPopReceiver? _receiver;

    public async ValueTask DisposeAsync()
    {
        _metrics.Dispose();
        if (_receiver is not null) await _receiver.DisposeAsync();
    }

    private static AgentContext Context() =>
        new("c1@h", AgentContext.InboundKind, "billing", "a1", "+33612345678", "account-lookup", Queued, Queued.AddSeconds(12), 12,
            "menu[1] > wait", [], [new AgentVariable("customer_name", "Adèle\r\nLovelace")], null);

    // The events webhooks' signature, as Hosting wires it.
    private static IReadOnlyList<KeyValuePair<string, string>> Sign(string secret, ReadOnlySpan<byte> body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return [new(WebhookSignature.TimestampHeader, now.ToString(System.Globalization.CultureInfo.InvariantCulture)), new(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, now, body))];
    }

    private ScreenPopSender Sender(string url, double timeout = 1) =>
        new(new ScreenPopOptions { Url = url, Secret = Secret, Timeout = timeout }, new HttpClient(), Sign, _metrics, TimeProvider.System, NullLogger<ScreenPopSender>.Instance);

    [Fact]
    public async Task Send_PostsTheContextAsJson_SignedLikeTheEventsWebhooks()
    {
        _receiver = await ScreenPopReceiver.StartAsync();

        var outcome = await Sender(_receiver.Url).SendAsync(Context()).WaitAsync(Bound);

        Assert.Equal("ok", outcome);
        var (_, headers, body) = Assert.Single(_receiver.Received);
        Assert.True(WebhookSignature.Verify(Secret, headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.StartsWith("application/json", headers["Content-Type"], StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var variable = json.RootElement.GetProperty("context").GetProperty("variables")[0];
        Assert.Equal("Adèle\r\nLovelace", variable.GetProperty("value").GetString());
        Assert.Equal(1, _metrics.Requests.Get("ok"));
    }

    [Fact]
    public async Task Send_ReceiverAnswers500_IsCountedAsStatus()
    {
        _receiver = await ScreenPopReceiver.StartAsync();
        _receiver.Status = 500;

        Assert.Equal("status", await Sender(_receiver.Url).SendAsync(Context()).WaitAsync(Bound));
        Assert.Equal(1, _metrics.Requests.Get("status"));
    }

    [Fact]
    public async Task Send_ReceiverStalls_IsAbandonedAtTheTimeout_AndCountedAsTimeout()
    {
        _receiver = await ScreenPopReceiver.StartAsync();
        _receiver.Stall = true;

        Assert.Equal("timeout", await Sender(_receiver.Url, timeout: 0.3).SendAsync(Context()).WaitAsync(Bound));
        Assert.Equal(1, _metrics.Requests.Get("timeout"));
    }

    [Fact]
    public async Task Send_NobodyListens_IsCountedAsNetwork()
    {
        // A port held by a bound socket that never listens: the connection is refused.
        using var held = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        held.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var url = $"http://127.0.0.1:{((IPEndPoint)held.LocalEndPoint!).Port}/pop";

        Assert.Equal("network", await Sender(url).SendAsync(Context()).WaitAsync(Bound));
        Assert.Equal(1, _metrics.Requests.Get("network"));
    }

    [Fact]
    public async Task AgentRinging_ReturnsBeforeAnyRequestEnds_AndBeyondMaxInFlightDrops()
    {
        _receiver = await ScreenPopReceiver.StartAsync();
        _receiver.Stall = true;
        var sender = new ScreenPopSender(new ScreenPopOptions { Url = _receiver.Url, Timeout = 10, MaxInFlight = 3 }, new HttpClient(), Sign, _metrics,
            TimeProvider.System, NullLogger<ScreenPopSender>.Instance);

        for (var i = 0; i < 5; i++) sender.AgentRinging(Context());

        // The receiver holds every request for 10 s: had a ring waited for its pop, some outcome would be counted by now.
        Assert.Equal(0, _metrics.Requests.Get("ok") + _metrics.Requests.Get("timeout") + _metrics.Requests.Get("network") + _metrics.Requests.Get("status"));
        Assert.Equal(2, _metrics.Requests.Get("dropped"));
    }

    [Theory]
    [InlineData("ftp://x/pop")]
    [InlineData("/pop")]
    [InlineData("http://user:pw@x/pop")]
    public void Options_UnusableUrl_IsAProblem_NamingTheSetting(string url)
    {
        var problem = new ScreenPopOptions { Url = url }.Problem();

        Assert.NotNull(problem);
        Assert.Contains("ScreenPop:Url", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NoUrl_IsDisabled_AndNoProblem()
    {
        var options = new ScreenPopOptions();

        Assert.False(options.Enabled);
        Assert.Null(options.Problem());
    }
}
