using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Returning callers end to end: the real <c>ivr serve</c> on its own data folder (SQLite contact history), sipp callers
/// from one number and sipp agents' phones on loopback. The same number calling again is greeted as returning (its
/// timeline shows the greeting), is held for the agent it last spoke with and delivered to them when they become ready
/// within the wait, and goes to another agent when the last agent stays busy beyond it; the repeat-contact report counts it.
/// </summary>
[Collection(EngineProcessesCollections.A)]
public sealed class ReturningCallerEndToEndTests(ITestOutputHelper output) : IAsyncDisposable
{
    // The number uac_queue_wait_bye.xml calls from.
    private const string Number = "+33698765432";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SippLife = TimeSpan.FromSeconds(120);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _folder = Directory.CreateTempSubdirectory("ivr-returning-").FullName;

    [Fact]
    public async Task SameNumberAgain_IsWelcomedBack_GoesToItsLastAgentWhenReadyInTime_ToAnotherWhenNot_AndCountsAsARepeat()
    {
        var alicePort = SippProcess.FreeUdpPort();
        var bobPort = SippProcess.FreeUdpPort();
        await WriteAgentsAsync(("alice", alicePort), ("bob", bobPort));
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/returning", "--data", Path.Combine(_folder, "data"),
            "--set", "Flows:Map:hotline=returning", "--set", "Flows:Map:quick=returning",
            "--set", "Routing:AgentsFile=" + Path.Combine(_folder, "agents.json"),
            "--set", "Routing:InitialAgentState=Away");
        var api = engine.HttpBase;
        // alice answers two calls, talking 6 s each; bob one call.
        using var alice = SippProcess.Start(alicePort, SippLife, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "2", "-d", "6000", "-rtp_echo");
        using var bob = SippProcess.Start(bobPort, SippLife, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "2000", "-rtp_echo");
        await SetStateAsync(api, "alice", "Ready");

        // First call: a first-time caller, served by alice (the only agent signed in).
        using (var first = Caller(engine, "hotline"))
            Assert.True(await first.WaitAsync(Bound) == 0, "first caller failed:\n" + first.Output + "\nengine:\n" + engine.Log);
        var firstCall = await AwaitContactsAsync(api, 1);
        Assert.Equal("alice", firstCall[0].GetProperty("agent").GetString());

        // Second call, while alice is in wrap-up (6 s) and bob is ready: held for alice, who takes it when her wrap-up ends.
        await SetStateAsync(api, "bob", "Ready");
        using var second = Caller(engine, "hotline");
        await engine.WaitForLogAsync("is held for its last agent alice", Bound);
        var delivered = await engine.WaitForLogAsync("goes to its last agent alice", Bound);
        output.WriteLine(delivered);

        // Third call while alice talks to the second (6 s): held 3 s for her, then bob takes it.
        using var third = Caller(engine, "quick");
        await engine.WaitForLogAsync("any agent may take it now", Bound);
        Assert.True(await third.WaitAsync(Bound) == 0, "third caller failed:\n" + third.Output + "\nengine:\n" + engine.Log);
        Assert.True(await bob.WaitAsync(Bound) == 0, "bob's phone failed:\n" + bob.Output + "\nengine:\n" + engine.Log);
        Assert.True(await second.WaitAsync(Bound) == 0, "second caller failed:\n" + second.Output + "\nengine:\n" + engine.Log);
        Assert.True(await alice.WaitAsync(Bound) == 0, "alice's phone failed (two calls expected):\n" + alice.Output + "\nengine:\n" + engine.Log);

        // The history, newest first: bob (third), alice (second), alice (first).
        var contacts = await AwaitContactsAsync(api, 3);
        Assert.Equal(["bob", "alice", "alice"], contacts.Select(c => c.GetProperty("agent").GetString()));
        Assert.All(contacts, c => Assert.Equal("billing", c.GetProperty("skill").GetString()));

        // Timelines: the first call was not greeted; the two returning calls were, and show the hold for alice.
        var firstTimeline = await GetAsync(api, "/api/calls/" + Uri.EscapeDataString(contacts[2].GetProperty("callId").GetString()!));
        var secondTimeline = await GetAsync(api, "/api/calls/" + Uri.EscapeDataString(contacts[1].GetProperty("callId").GetString()!));
        var thirdTimeline = await GetAsync(api, "/api/calls/" + Uri.EscapeDataString(contacts[0].GetProperty("callId").GetString()!));
        Assert.DoesNotContain("Welcome back", firstTimeline.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("Welcome back.", secondTimeline.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("last agent alice first for 20 s", secondTimeline.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("Welcome back.", thirdTimeline.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("last agent alice first for 3 s", thirdTimeline.GetRawText(), StringComparison.Ordinal);

        // The repeat-contact report: of the three billing contacts, the first two were followed by another within 24 h.
        var report = await GetAsync(api, "/api/reports/repeat-contacts?days=1");
        var billing = Assert.Single(report.GetProperty("skills").EnumerateArray());
        Assert.Equal(("billing", 3, 2, 2), (billing.GetProperty("skill").GetString(), billing.GetProperty("contacts").GetInt32(),
            billing.GetProperty("repeated24h").GetInt32(), billing.GetProperty("repeated7d").GetInt32()));
    }

    private static SippProcess Caller(EngineProcess engine, string dialled) =>
        SippProcess.Start(SippProcess.FreeUdpPort(), SippLife, engine.Target,
            "-sf", SippProcess.Scenario("uac_queue_wait_bye.xml"), "-s", dialled, "-m", "1",
            "-key", "rtp_port", SippProcess.FreeUdpPort().ToString(CultureInfo.InvariantCulture));

    private async Task WriteAgentsAsync(params (string Id, int Port)[] agents)
    {
        var document = new
        {
            wrapUpSeconds = 6,
            ringTimeoutSeconds = 5,
            skills = new[] { new { id = "billing", serviceLevelSeconds = 20 } },
            agents = agents.Select(a => new
            {
                id = a.Id,
                contact = $"sip:{a.Id}@127.0.0.1:{a.Port.ToString(CultureInfo.InvariantCulture)}",
                skills = new[] { new { skill = "billing", level = 5 } },
            }),
        };
        await File.WriteAllTextAsync(Path.Combine(_folder, "agents.json"), JsonSerializer.Serialize(document));
    }

    private static async Task SetStateAsync(string api, string agent, string state)
    {
        using var response = await Http.PostAsJsonAsync($"{api}/api/agents/{agent}/state", new { state });
        Assert.True(response.IsSuccessStatusCode, $"{agent} → {state}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement> GetAsync(string api, string path) => await Http.GetFromJsonAsync<JsonElement>(api + path);

    /// <summary>The number's contacts once there are <paramref name="count"/> (the history is written as each call ends), newest first.</summary>
    private static async Task<List<JsonElement>> AwaitContactsAsync(string api, int count)
    {
        var deadline = DateTime.UtcNow + Bound;
        List<JsonElement> contacts = [];
        while (DateTime.UtcNow < deadline)
        {
            var answer = await GetAsync(api, $"/api/contacts/{Uri.EscapeDataString(Number)}?hours=1");
            contacts = [.. answer.GetProperty("contacts").EnumerateArray()];
            if (contacts.Count >= count) return contacts;
            await Task.Delay(100);
        }
        Assert.Fail($"{contacts.Count} contact(s) of {Number} after {Bound.TotalSeconds} s, {count} expected");
        return contacts;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
