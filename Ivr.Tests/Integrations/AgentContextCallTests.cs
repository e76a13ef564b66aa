using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ivr.Engine.Events;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.Integrations;

/// <summary>
/// Context to the agent in a real call: a sipp caller chooses 1 and types 4242# (RFC 4733) to the real <c>ivr serve</c> on
/// <c>flows/account-lookup.json</c>; the <c>http</c> step fetches the customer from a Kestrel CRM on loopback; the caller is
/// greeted by name and queued; a sipp agent (UAS) checks the <c>X-Ivr-*</c> headers of its INVITE and rings 1.5 s before
/// answering; a Kestrel agent desktop receives the signed screen-pop before that answer.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public sealed partial class AgentContextCallTests(ITestOutputHelper output) : IDisposable
{
    private const string PopSecret = "pop-s3cret";
    private const string CustomerName = "Adèle Lovelace";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly HttpClient Api = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-agentctx-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task QueuedCaller_AgentInviteCarriesTheContext_AndTheScreenPopArrivesBeforeTheAnswer()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        crm.CustomerName = CustomerName;
        // A hostile value from the company's system: it must not become a header line of its own.
        crm.Tier = "gold\r\nX-Evil: injected";
        await using var desktop = await ScreenPopReceiver.StartAsync();
        // A port below the ephemeral range: no other socket takes it in the seconds before the agent sipp binds it.
        var agentPort = SippProcess.FreeUdpPortBelowEphemeralRange();
        var flows = Directory.CreateDirectory(Path.Combine(_folder.FullName, "flows")).FullName;
        // The shipped flow gives the CRM 2 s; a busy test box needs more, or the caller takes the unknown-customer path.
        var flow = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "flows", "account-lookup.json"));
        Assert.Contains("\"timeout\": 2,", flow, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(flows, "account-lookup.json"), flow.Replace("\"timeout\": 2,", "\"timeout\": 15,", StringComparison.Ordinal));
        // Warm the Kestrel CRM: its first request is the slow one.
        using (var warm = await Api.GetAsync(crm.BaseUrl.TrimEnd('/') + "/customers/0")) output.WriteLine($"CRM warm-up: {(int)warm.StatusCode}");
        var agents = Path.Combine(_folder.FullName, "agents.json");
        await File.WriteAllTextAsync(agents, JsonSerializer.Serialize(new
        {
            wrapUpSeconds = 1,
            ringTimeoutSeconds = 15,
            skills = new[] { new { id = "billing", serviceLevelSeconds = 20 } },
            agents = new[] { new { id = "a1", name = "Agent a1", contact = $"sip:a1@127.0.0.1:{agentPort.ToString(CultureInfo.InvariantCulture)}", skills = new[] { new { skill = "billing", level = 5 } } } },
        }));
        await using var engine = await EngineProcess.StartAsync(
            "--flows", flows, "--data", Path.Combine(_folder.FullName, "data"),
            "--set", "Flows:Map:hotline=account-lookup",
            "--set", "Routing:AgentsFile=" + agents,
            "--set", $"Http:Services:crm:BaseUrl={crm.BaseUrl}",
            "--set", $"ScreenPop:Url={desktop.Url}",
            "--set", $"ScreenPop:Secret={PopSecret}",
            "--set", "ScreenPop:Timeout=5");

        var messages = Path.Combine(_folder.FullName, "agent_messages.log");
        using var agent = SippProcess.Start(agentPort, Bound, "-sf", SippProcess.Scenario("uas_agent_context.xml"), "-m", "1", "-d", "2000",
            "-rtp_echo", "-trace_msg", "-message_file", messages);
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), Bound, engine.Target,
            "-sf", SippProcess.Scenario("uac_menu_account_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "caller", "+33612345678", "-cid_str", "agentctx-%u@%s");
        const string callId = "agentctx-1@127.0.0.1";

        // While the agent's phone rings (before its 200), the call's API already shows the context delivered to a1.
        JsonElement? ringing = null;
        for (var i = 0; i < 1200 && ringing is null && !agent.HasExited; i++)
        {
            var view = await TryGetCallAsync(engine, callId);
            if (view is { } v && v.TryGetProperty("agentContext", out var c) && c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty("agent", out var a) && a.GetString() == "a1") ringing = v;
            else await Task.Delay(50);
        }

        // The known-customer path is what this test is about: say so plainly when the lookup (or the digits) failed.
        var path = (await TryGetCallAsync(engine, callId))?.GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "step").Select(e => e.GetProperty("step").GetString()).ToList();
        Assert.False(path is not null && path.Contains("queue_unknown"),
            "the call took the unknown-customer path (CRM lookup failed or slow, or digits lost): " + string.Join(" > ", path ?? []) + "\nengine:\n" + engine.Log);
        Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed (missing X-Ivr-* header?):\n" + agent.Output + "\nengine:\n" + engine.Log);
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + engine.Log);
        await engine.WaitForLogAsync($"Call {callId} ended: ", Bound);

        // The INVITE the agent received: every header as documented, sanitised, and the whole request under 1300 bytes.
        var (inviteBytes, headers, answeredAt) = ReadAgentLog(messages);
        output.WriteLine($"agent INVITE: {inviteBytes} bytes\n  " + string.Join("\n  ", headers.Select(h => $"{h.Key}: {h.Value}")));
        string H(string name) => Assert.Single(headers, h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        Assert.Equal(callId, H("X-Ivr-Call-Id"));
        Assert.Equal("inbound", H("X-Ivr-Kind"));
        Assert.Equal("billing", H("X-Ivr-Skill"));
        Assert.Equal("+33612345678", H("X-Ivr-Caller"));
        Assert.InRange(int.Parse(H("X-Ivr-Waited"), CultureInfo.InvariantCulture), 0, 60);
        Assert.Equal("invoice", H("X-Ivr-Var-topic"));
        Assert.Equal("4242", H("X-Ivr-Var-account"));
        Assert.Equal("Ad%C3%A8le Lovelace", H("X-Ivr-Var-customer_name"));
        Assert.Equal("gold X-Evil: injected", H("X-Ivr-Var-tier"));
        Assert.DoesNotContain(headers, h => h.Key.Equals("X-Evil", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("0", H("X-Ivr-Contacts-24h"));
        Assert.Equal("0", H("X-Ivr-Contacts-7d"));
        Assert.Matches(@"^main_menu\[1\] > ask_account\[\d+ digits\] > lookup > greet > queue_known$", H("X-Ivr-Path"));
        Assert.InRange(inviteBytes, 1, 1299);

        // The caller was greeted by name (TTS), as the timeline shows; the API still shows the context after the call.
        var final = (await TryGetCallAsync(engine, callId))!.Value;
        var timeline = final.GetProperty("timeline").EnumerateArray().Select(e => (Kind: e.GetProperty("kind").GetString(), Detail: e.GetProperty("detail").GetString()!)).ToList();
        Assert.Contains(timeline, t => t.Kind == "prompt" && t.Detail == $"\"Hello {CustomerName}, an advisor will be with you shortly.\"");
        Assert.NotNull(ringing);
        var shown = ringing!.Value.GetProperty("agentContext");
        Assert.Equal("billing", shown.GetProperty("skill").GetString());
        Assert.Contains(shown.GetProperty("variables").EnumerateArray(), v => v.GetProperty("name").GetString() == "customer_name" && v.GetProperty("value").GetString() == CustomerName);
        Assert.Equal(0, shown.GetProperty("contacts").GetProperty("last24Hours").GetInt32());

        // The screen-pop: one request, signed like the events webhooks, with the same context, received before the 200 OK.
        var (receivedAt, popHeaders, body) = Assert.Single(desktop.Received);
        output.WriteLine($"screen-pop received {receivedAt:HH:mm:ss.fff}, agent answered {answeredAt:HH:mm:ss.fff}: {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.True(WebhookSignature.Verify(PopSecret, popHeaders[WebhookSignature.TimestampHeader], popHeaders[WebhookSignature.SignatureHeader], body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        using var pop = JsonDocument.Parse(body);
        Assert.Equal("agent.ringing", pop.RootElement.GetProperty("event").GetString());
        Assert.Equal("a1", pop.RootElement.GetProperty("agent").GetString());
        var context = pop.RootElement.GetProperty("context");
        Assert.Equal(callId, context.GetProperty("callId").GetString());
        Assert.Contains(context.GetProperty("variables").EnumerateArray(), v => v.GetProperty("name").GetString() == "tier" && v.GetProperty("value").GetString() == "gold\r\nX-Evil: injected");
        Assert.True(receivedAt < answeredAt, $"the screen-pop arrived at {receivedAt:HH:mm:ss.fff}, after the agent's 200 OK at {answeredAt:HH:mm:ss.fff}");

        var metrics = await Api.GetStringAsync(engine.HttpBase + "/metrics");
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("ivr_screenpop_requests", StringComparison.Ordinal) && l.Contains("outcome=\"ok\"", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" 1", StringComparison.Ordinal));
    }

    private static async Task<JsonElement?> TryGetCallAsync(EngineProcess engine, string callId)
    {
        using var response = await Api.GetAsync($"{engine.HttpBase}/api/calls/{Uri.EscapeDataString(callId)}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>From sipp's <c>-trace_msg</c> file: the size and headers of the INVITE received, and when the 200 OK to it was sent.</summary>
    private static (int Bytes, List<KeyValuePair<string, string>> Headers, DateTime AnsweredAt) ReadAgentLog(string path)
    {
        var blocks = Regex.Split(File.ReadAllText(path), @"^-{20,} ?", RegexOptions.Multiline).Where(b => b.Length > 0).ToList();
        var invite = blocks.First(b => b.Contains(" message received", StringComparison.Ordinal) && b.Contains("\nINVITE sip:", StringComparison.Ordinal));
        var bytes = int.Parse(BytesPattern().Match(invite).Groups[1].Value, CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>();
        var lines = invite.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => !l.StartsWith("INVITE sip:", StringComparison.Ordinal)).Skip(1);
        foreach (var line in lines.TakeWhile(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        var ok = blocks.First(b => b.Contains(" message sent", StringComparison.Ordinal) && b.Contains("\nSIP/2.0 200 OK", StringComparison.Ordinal) && b.Contains("INVITE", StringComparison.Ordinal));
        var stamp = ok[..ok.IndexOf('\n', StringComparison.Ordinal)].Trim();
        return (bytes, headers, DateTime.Parse(stamp, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"message received \[(\d+)\] bytes")]
    private static partial Regex BytesPattern();
}
