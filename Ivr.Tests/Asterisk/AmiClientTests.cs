using Ivr.Engine.Asterisk.Ami;
using Microsoft.Extensions.Logging;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// The AMI client against fake peers on loopback that misbehave as no real Asterisk does (garbage, a close in the middle
/// of a response, an unanswered Ping, answers out of order): each is logged, counted, the connection reset and retried.
/// </summary>
public sealed class AmiClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task GarbagePeer_IsResetLoggedAndCounted_AndTheClientTriesAgainWithBackoff()
    {
        await using var peer = new AmiFakePeer(async (c, ct) =>
        {
            await c.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var (client, metrics, log) = Client(peer.Port);

        await client.StartAsync(CancellationToken.None);
        await Until(() => peer.Accepted >= 3, "the client did not try again");
        await client.StopAsync(CancellationToken.None);

        Assert.False(client.IsConnected);
        Assert.True(metrics.Errors.Get("fake", "banner") >= 2, "banner errors not counted");
        var warning = Assert.Single(log.AtLeast(LogLevel.Warning));
        Assert.Contains("not an Asterisk manager", warning, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 400", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerClosingMidResponse_FailsThePendingAction_ThenTheClientLogsInAgain()
    {
        var connections = 0;
        await using var peer = new AmiFakePeer(async (c, ct) =>
        {
            var first = Interlocked.Increment(ref connections) == 1;
            if (!await c.LoginAsync(ct)) return;
            while (await c.ReadActionAsync(ct) is { } action)
            {
                if (action["Action"] != "Getvar") continue;
                if (first)
                {
                    await c.WriteAsync($"Response: Success\r\nActionID: {action["ActionID"]}\r\nVariable: X\r\nVal", ct);
                    return;
                }
                await c.WriteAsync($"Response: Success\r\nActionID: {action["ActionID"]}\r\nVariable: X\r\nValue: 42\r\n\r\n", ct);
            }
        });
        var (client, metrics, log) = Client(peer.Port);
        await client.StartAsync(CancellationToken.None);
        await Until(() => client.IsConnected, "no login");

        var lost = await Assert.ThrowsAsync<AmiUnavailableException>(() => client.SendAsync(new AmiAction("Getvar").With("Variable", "X")));
        Assert.Contains("lost", lost.Message, StringComparison.Ordinal);
        await Until(() => client.IsConnected && peer.Accepted == 2, "no second login");
        var answer = await client.SendAsync(new AmiAction("Getvar").With("Variable", "X"));
        await client.StopAsync(CancellationToken.None);

        Assert.Equal("42", answer["Value"]);
        Assert.Equal(1, metrics.Errors.Get("fake", "closed"));
        Assert.Equal(2, metrics.Logins.Get("fake"));
        Assert.Contains(log.AtLeast(LogLevel.Warning), l => l.Contains("closed the connection in the middle of a packet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PingUnanswered_ResetsTheConnection()
    {
        await using var peer = new AmiFakePeer(async (c, ct) =>
        {
            if (!await c.LoginAsync(ct)) return;
            while (await c.ReadActionAsync(ct) is not null)
            {
                // Silent: no Pong.
            }
        });
        var (client, metrics, _) = Client(peer.Port, s => s with { PingInterval = TimeSpan.FromMilliseconds(200), ActionTimeout = TimeSpan.FromMilliseconds(400) });

        await client.StartAsync(CancellationToken.None);
        await Until(() => metrics.Errors.Get("fake", "ping-timeout") >= 1 && peer.Accepted >= 2, "an unanswered Ping did not reset the connection");
        await client.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnswersOutOfOrder_AreMatchedByActionId_AndEventsReachTheStream()
    {
        await using var peer = new AmiFakePeer(async (c, ct) =>
        {
            if (!await c.LoginAsync(ct)) return;
            var first = await c.ReadActionAsync(ct);
            var second = await c.ReadActionAsync(ct);
            if (first is null || second is null) return;
            await c.WriteAsync("Event: QueueCallerJoin\r\nQueue: support\r\nUniqueid: 1.1\r\n\r\n", ct);
            await c.WriteAsync($"Response: Success\r\nActionID: {second["ActionID"]}\r\nValue: {second["Variable"]}\r\n\r\n", ct);
            await c.WriteAsync($"Response: Success\r\nActionID: {first["ActionID"]}\r\nValue: {first["Variable"]}\r\n\r\n", ct);
            await c.ReadActionAsync(ct);
        });
        var (client, _, _) = Client(peer.Port);
        var stream = client.Subscribe();
        await client.StartAsync(CancellationToken.None);
        await Until(() => client.IsConnected, "no login");

        var a = client.SendAsync(new AmiAction("Getvar").With("Variable", "A"));
        var b = client.SendAsync(new AmiAction("Getvar").With("Variable", "B"));
        Assert.Equal("A", (await a.WaitAsync(Bound))["Value"]);
        Assert.Equal("B", (await b.WaitAsync(Bound))["Value"]);
        Assert.IsType<AmiLinkUp>(await stream.ReadAsync().AsTask().WaitAsync(Bound));
        var joined = Assert.IsType<AmiEventReceived>(await stream.ReadAsync().AsTask().WaitAsync(Bound));
        Assert.Equal("1.1", joined.Event["Uniqueid"]);
        await client.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task NotConnected_SendFailsAtOnce()
    {
        var (client, _, _) = Client(1);

        await Assert.ThrowsAsync<AmiUnavailableException>(() => client.SendAsync(new AmiAction("Ping")));
    }

    internal static (AmiClient Client, AmiMetrics Metrics, AmiTestLog<AmiClient> Log) Client(int port, Func<AmiClientSettings, AmiClientSettings>? change = null)
    {
        var settings = new AmiClientSettings("fake", "127.0.0.1", port, "ivr", "secret")
        {
            Backoff = new AmiBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)),
        };
        var metrics = new AmiMetrics();
        var log = new AmiTestLog<AmiClient>();
        return (new AmiClient(change?.Invoke(settings) ?? settings, metrics, log), metrics, log);
    }

    internal static async Task Until(Func<bool> condition, string what)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await tick.WaitForNextTickAsync();
        }
    }
}
