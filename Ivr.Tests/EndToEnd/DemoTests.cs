using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// <c>ivr serve --demo</c>: the simulated callers and agents speak real SIP and RTP to the engine over loopback, and the
/// engine's own figures (its routing API, read as the dashboard reads them) move — queues build, callers are answered by
/// agents, some hang up while waiting, callbacks are booked and dialled back — then Ctrl-C stops the demo and drains.
/// The demo runs faster than its defaults here (more callers, shorter talks) so the test stays short.
/// </summary>
[Collection(EngineProcessesCollections.A)]
public sealed class DemoTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("ivr-demo-");

    /// <summary>Within a bounded time the router has seen arrivals, answers, abandonment, booked and dialled callbacks.</summary>
    [Fact]
    public async Task ServeDemo_MovesQueues_AnswersAbandonsAndDialsCallbacks_ThenDrainsOnCtrlC()
    {
        await using var engine = await EngineProcess.StartAsync(
            "--demo", "--data", _data.FullName,
            "--set", "Demo:CallersPerMinute=45", "--set", "Demo:MeanTalk=00:00:10", "--set", "Demo:MeanPatience=00:00:45",
            "--set", "Demo:CallbackShare=0.5", "--set", "Demo:Seed=3", "--set", "Demo:CallbackMaxDeferral=00:00:05");
        await engine.WaitForLogAsync("Demo: simulated callers dial sip:demo@", TimeSpan.FromSeconds(30));
        Assert.True(File.Exists(Path.Combine(_data.FullName, "demo", "agents.json")), "the demo's agents file was not written");

        var api = "http://127.0.0.1:" + engine.HttpPort.ToString(CultureInfo.InvariantCulture) + "/api/queues";
        var seen = new Totals(0, 0, 0, 0, 0, 0);
        var maxWaiting = 0;
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline && !seen.Complete)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var queues = await Http.GetFromJsonAsync<JsonElement>(api);
            seen = Totals.Of(queues);
            maxWaiting = Math.Max(maxWaiting, seen.Waiting);
        }

        Assert.True(seen.Complete, $"the demo did not move every figure within {Bound}: {seen}, most waiting at once {maxWaiting}\n{engine.Log}");
        Assert.True(maxWaiting > 0, "no caller ever waited in a queue");
        Assert.DoesNotContain("Demo phone", engine.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Demo caller failed", engine.Log, StringComparison.Ordinal);

        Assert.Equal(0, await engine.InterruptAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("Demo stopped:", engine.Log, StringComparison.Ordinal);
        // Once the drain has begun the callback dialler starts nothing: no callback place reaches an agent after it.
        var log = engine.Log;
        var drained = log.IndexOf("Callbacks: no new callback is dialled (draining)", StringComparison.Ordinal);
        Assert.True(drained >= 0, "the router was not told that the node drains:\n" + log);
        Assert.DoesNotContain("reaches the head of", log[drained..], StringComparison.Ordinal);
    }

    /// <summary>Removes the demo's data folder.</summary>
    public void Dispose()
    {
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record Totals(int Arrivals, int Answered, int Abandoned, int CallbacksBooked, int CallbacksDialled, int Waiting)
    {
        public bool Complete => Arrivals >= 10 && Answered >= 3 && Abandoned >= 1 && CallbacksBooked >= 1 && CallbacksDialled >= 1;

        public static Totals Of(JsonElement queues)
        {
            int Sum(Func<JsonElement, int> pick) => queues.EnumerateArray().Sum(pick);
            return new Totals(
                Sum(q => q.GetProperty("window").GetProperty("arrivals").GetInt32()),
                Sum(q => q.GetProperty("window").GetProperty("answered").GetInt32()),
                Sum(q => q.GetProperty("window").GetProperty("abandoned").GetInt32()),
                Sum(q => q.GetProperty("window").GetProperty("callbacksBooked").GetInt32()),
                Sum(q => q.GetProperty("callbacksDialled").GetInt32()),
                Sum(q => q.GetProperty("waiting").GetInt32()));
        }
    }
}
