using System.Globalization;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Storage;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Callbacks and messages end to end: a sipp caller takes the offer by DTMF, the booking is in SQLite before the
/// confirmation, and the engine dials the customer (a sipp UAS on the trunk) when an agent (another sipp UAS) is ready.
/// </summary>
[Collection(EngineProcessesCollections.A)]
public class RouterCallbackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CallbackBookedByDtmf_IsStoredBeforeTheConfirmation_RetriedWhenBusy_ThenBridgedToTheReadyAgent()
    {
        var agentPort = SippProcess.FreeUdpPort();
        var customerPort = SippProcess.FreeUdpPort();
        await using var rig = await RouterRig.StartAsync([("a1", agentPort, 5)], Trunk(customerPort));

        await AcceptCallbackByDtmfAsync(rig);
        // The console log is written asynchronously: wait for the call's end line before reading the order.
        await rig.Engine.WaitForLogAsync("ended: hangup:callback-booked", Bound);
        var log = rig.Engine.Log;
        var stored = log.IndexOf("Callback 1 to +33612345678 for billing stored", StringComparison.Ordinal);
        var confirmed = log.IndexOf("Callback 1 is stored; the caller hears the confirmation", StringComparison.Ordinal);
        var ended = log.IndexOf("ended: hangup:callback-booked", StringComparison.Ordinal);
        Assert.True(stored >= 0 && confirmed > stored && ended > confirmed, "booking order wrong:\n" + log);
        var row = await ReadAsync(rig, 1);
        Assert.Equal(CallbackState.Pending, row.State);
        Assert.Equal(0, row.Attempts);
        Assert.True(row.EnteredQueueAt < row.BookedAt, "the virtual place keeps the time the caller entered the line");

        // The customer is busy at first; the retry (2 s back-off) finds them, and the ready agent is bridged.
        using var agent = SippProcess.Start(agentPort, "-sf", SippProcess.Scenario("uas_agent_answer_wait_bye.xml"), "-m", "1", "-rtp_echo");
        using (var busy = SippProcess.Start(customerPort, "-sf", SippProcess.Scenario("uas_busy.xml"), "-m", "1"))
        {
            using var ready = await rig.SetAgentStateAsync("a1", "ready");
            Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
            Assert.True(await busy.WaitAsync(Bound) == 0, "busy sipp failed:\n" + busy.Output + "\nengine:\n" + rig.Engine.Log);
        }
        // The customer's audio is the test's own socket: what comes back carrying its code went customer → engine →
        // agent (sipp echoes) → engine → customer, i.e. both directions of the bridge. The customer stays 9 s: the
        // 5.7 s greeting ("this is your callback…"), the agent's ring, then about 3 s bridged.
        using var media = new PatternRtpPeer();
        using var customer = SippProcess.Start(customerPort, "-sf", SippProcess.Scenario("uas_customer_answer_bye.xml"), "-m", "1", "-d", "9000",
            "-key", "rtp_port", media.Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(await customer.WaitAsync(Bound) == 0, "customer sipp failed:\n" + customer.Output + "\nengine:\n" + rig.Engine.Log);
        Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\nengine:\n" + rig.Engine.Log);
        output.WriteLine($"customer side: {media.Received} packets received, {media.Echoed} carried the customer's own code back through the agent");
        Assert.True(media.Echoed >= 50, $"only {media.Echoed} echoed packets reached the customer (of {media.Received})");

        await rig.Engine.WaitForLogAsync("Callback 1 attempt ended: Connected", Bound);
        log = rig.Engine.Log;
        Assert.Contains("Callback 1: customer not reached (Rejected 486) → Busy", log, StringComparison.Ordinal);
        var greeted = log.IndexOf("Callback 1: customer answered; greeting", StringComparison.Ordinal);
        var rung = log.IndexOf("Callback 1: ringing agent a1", StringComparison.Ordinal);
        var bridged = log.IndexOf("Callback 1: customer bridged to agent a1", StringComparison.Ordinal);
        Assert.True(greeted >= 0 && rung > greeted && bridged > rung, "greeting, agent, bridge out of order:\n" + log);
        row = await WaitForStateAsync(rig, 1, CallbackState.Connected);
        Assert.Equal(2, row.Attempts);
        Assert.Equal("Connected", row.LastOutcome);
        var pending = await rig.GetAsync("/api/callbacks");
        Assert.Equal(0, pending.GetArrayLength());
    }

    /// <summary>
    /// A callback is a call: each attempt is on the live-calls board (<c>/api/calls</c>, <c>/api/status</c>) from the
    /// customer's first ring. The first attempt rings out (2 s) and is closed <c>no-answer</c>; the retry is answered, greeted,
    /// bridged to agent a1 (listed <c>connected</c> with the agent, counted in <c>byState.connected</c>), and once the agent
    /// hangs up it is among the recent calls with its outcome and no longer live. No flow counts it.
    /// </summary>
    [Fact]
    public async Task CallbackAttempts_AreOnTheCallBoard_NoAnswerThenConnectedToTheAgent()
    {
        var agentPort = SippProcess.FreeUdpPort();
        var customerPort = SippProcess.FreeUdpPort();
        await using var rig = await RouterRig.CreateAsync([("a1", agentPort, 5)]);
        var store = await OpenStoreAsync(rig);
        var entered = DateTimeOffset.UtcNow.AddMinutes(-3);
        Assert.True((await store.BookAsync(new CallbackBooking("board:1", "billing", "+33612345678", "+33612345678", entered, entered.AddMinutes(1)))).Created);
        var engine = await rig.StartEngineAsync([.. Trunk(customerPort), "--set", "Routing:CallbackRingTimeout=00:00:02"]);
        await engine.WaitForLogAsync("Callbacks: 1 pending", Bound);

        // The agent answers, talks 4 s after the greeting and hangs up. The customer's phone first rings out.
        using var agent = SippProcess.Start(agentPort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "4000", "-rtp_echo");
        using (var ringing = SippProcess.Start(customerPort, "-sf", SippProcess.Scenario("uas_agent_noanswer.xml"), "-m", "1"))
        {
            using var ready = await rig.SetAgentStateAsync("a1", "ready");
            Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
            var rung = await WaitForCallAsync(rig, "/api/calls", "callback-1-1", c => true, engine);
            Assert.Equal(("callback", "outbound", "+33612345678"), (Text(rung, "kind"), Text(rung, "direction"), Text(rung, "to")));
            Assert.True(await ringing.WaitAsync(Bound) == 0, "ringing sipp failed:\n" + ringing.Output + "\nengine:\n" + engine.Log);
        }
        var missed = await WaitForCallAsync(rig, "/api/calls/recent", "callback-1-1", c => c.TryGetProperty("outcome", out var o) && o.GetString() is not null, engine);
        Assert.Equal(("ended", "no-answer"), (Text(missed, "state"), Text(missed, "outcome")));

        // The retry (2 s back-off) is answered and bridged.
        using var customer = SippProcess.Start(customerPort, "-sf", SippProcess.Scenario("uas_agent_answer_wait_bye.xml"), "-m", "1", "-rtp_echo");
        var bridged = await WaitForCallAsync(rig, "/api/calls", "callback-1-2", c => Text(c, "state") == "connected", engine);
        Assert.Equal(("a1", "billing", 2, "(callback)"), (Text(bridged, "agent"), Text(bridged, "skill"), bridged.GetProperty("attempt").GetInt32(), Text(bridged, "flow")));
        var status = await rig.GetAsync("/api/status");
        Assert.True(status.GetProperty("calls").GetProperty("byState").GetProperty("connected").GetInt32() >= 1, status.ToString());
        var story = (await rig.GetAsync("/api/calls/callback-1-2")).GetProperty("timeline").EnumerateArray().Select(e => Text(e, "detail")).ToList();
        output.WriteLine(string.Join("\n", story));
        Assert.Contains(story, d => d!.StartsWith("customer answered", StringComparison.Ordinal));
        Assert.Contains(story, d => d == "ringing agent a1");
        Assert.Contains(story, d => d == "bridged to agent a1 (billing)");

        Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\nengine:\n" + engine.Log);
        Assert.True(await customer.WaitAsync(Bound) == 0, "customer sipp failed:\n" + customer.Output + "\nengine:\n" + engine.Log);
        var served = await WaitForCallAsync(rig, "/api/calls/recent", "callback-1-2", c => true, engine);
        Assert.Equal(("ended", "connected:agent-hangup", "a1"), (Text(served, "state"), Text(served, "outcome"), Text(served, "agent")));
        Assert.DoesNotContain((await rig.GetAsync("/api/calls")).EnumerateArray(), c => Text(c, "kind") == "callback");
        story = (await rig.GetAsync("/api/calls/callback-1-2")).GetProperty("timeline").EnumerateArray().Select(e => Text(e, "detail")).ToList();
        Assert.Contains("hung up by the agent (talking to agent a1)", story);
        // A callback is no flow's call: the flows' figures do not list it.
        var flows = (await rig.GetAsync("/api/status")).GetProperty("flows").EnumerateArray().Select(f => Text(f, "flow")).ToList();
        Assert.DoesNotContain("(callback)", flows);
    }

    [Fact]
    public async Task PendingCallback_SurvivesKillNine_AndIsDialledExactlyOnceAcrossRestarts()
    {
        var agentPort = SippProcess.FreeUdpPort();
        var customerPort = SippProcess.FreeUdpPort();
        await using var rig = await RouterRig.StartAsync([("a1", agentPort, 5)], Trunk(customerPort));
        await AcceptCallbackByDtmfAsync(rig);
        await rig.Engine.WaitForLogAsync("for billing stored", Bound);

        await rig.Engine.DisposeAsync(); // SIGKILL: no drain, no shutdown hook
        var second = await rig.StartEngineAsync(Trunk(customerPort));
        await second.WaitForLogAsync("Callbacks: 1 pending", Bound);
        // The agent talks 1 s after the greeting and hangs up; the engine then ends the customer's leg.
        using var agent = SippProcess.Start(agentPort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "1000", "-rtp_echo");
        using var customer = SippProcess.Start(customerPort, "-sf", SippProcess.Scenario("uas_agent_answer_wait_bye.xml"), "-m", "1", "-rtp_echo");
        using (var ready = await rig.SetAgentStateAsync("a1", "ready")) Assert.True(ready.IsSuccessStatusCode);
        Assert.True(await customer.WaitAsync(Bound) == 0, "customer sipp failed:\n" + customer.Output + "\nengine:\n" + second.Log);
        Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\nengine:\n" + second.Log);
        await second.WaitForLogAsync("Callback 1 attempt ended: Connected", Bound);
        await WaitForStateAsync(rig, 1, CallbackState.Connected);

        await second.DisposeAsync();
        var third = await rig.StartEngineAsync([.. Trunk(customerPort), "--set", "Routing:InitialAgentState=Ready"]);
        await third.WaitForLogAsync("Callbacks: 0 pending", Bound);
        var dials = second.Log.Split('\n').Count(l => l.Contains("Callback 1: calling", StringComparison.Ordinal));
        output.WriteLine($"dials in the second run: {dials}");
        Assert.Equal(1, dials);
        Assert.DoesNotContain("Callback 1: calling", third.Log, StringComparison.Ordinal);
        var row = await ReadAsync(rig, 1);
        Assert.Equal(1, row.Attempts);
    }

    /// <summary>
    /// Issue 14: a callback whose customer and agent are talking when the engine is killed (SIGKILL) is not rung again
    /// once the talk had lasted <c>Routing:CallbackServedAfter</c> (2 s here): the row is on file as such before the kill,
    /// and the restarted engine counts it served, with the reason in its last outcome.
    /// </summary>
    [Fact]
    public async Task CallbackInConversationAtKillNine_PastServedAfter_CountsAsServed_AndIsNotDialledAgain()
    {
        var agentPort = SippProcess.FreeUdpPort();
        var customerPort = SippProcess.FreeUdpPort();
        string[] servedAfter = ["--set", "Routing:CallbackServedAfter=00:00:02"];
        await using var rig = await RouterRig.StartAsync([("a1", agentPort, 5)], [.. Trunk(customerPort), .. servedAfter]);
        await AcceptCallbackByDtmfAsync(rig);
        await rig.Engine.WaitForLogAsync("for billing stored", Bound);

        // The agent would talk a minute: the engine dies mid-conversation.
        using var agent = SippProcess.Start(agentPort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "60000", "-rtp_echo");
        using var customer = SippProcess.Start(customerPort, "-sf", SippProcess.Scenario("uas_agent_answer_wait_bye.xml"), "-m", "1", "-rtp_echo");
        using (var ready = await rig.SetAgentStateAsync("a1", "ready")) Assert.True(ready.IsSuccessStatusCode);
        await rig.Engine.WaitForLogAsync("Callback 1: customer bridged to agent a1", Bound);
        var store = await OpenStoreAsync(rig);
        await WaitForRowsAsync(store, rows => rows.Count == 1 && rows[0].ConversationSeenAt - rows[0].ConversationStartedAt >= TimeSpan.FromSeconds(2),
            "the talk on file as lasting 2 s", rig.Engine);
        Assert.Equal(CallbackState.Dialling, (await ReadAsync(rig, 1)).State);
        await rig.Engine.DisposeAsync(); // SIGKILL mid-conversation: no outcome is written

        await using var second = await rig.StartEngineAsync([.. Trunk(customerPort), .. servedAfter, "--set", "Routing:InitialAgentState=Ready"]);
        await second.WaitForLogAsync("Callbacks: 0 pending (0 interrupted by a restart and put back, 1 served before it)", Bound);
        var row = await ReadAsync(rig, 1);
        Assert.Equal(CallbackState.Connected, row.State);
        Assert.Equal("Served: in conversation for at least 2 s when the engine stopped", row.LastOutcome);
        Assert.Equal(1, row.Attempts);
        Assert.Empty((await rig.GetAsync("/api/callbacks")).EnumerateArray());
        Assert.DoesNotContain("Callback 1: calling", second.Log, StringComparison.Ordinal);
    }

    /// <summary>
    /// The durability must-show. The 50 bookings are written through the real <see cref="SqliteCallbackStore"/> into the
    /// engine's own <c>data/ivr.db</c> before the first start: booking through the engine is shown row-before-confirmation
    /// by the DTMF test above, and 50 sipp callers each spending ten seconds in a flow would test the shared machine's
    /// load rather than durability. The first engine is killed (SIGKILL) with all 50 pending; the second starts dialling
    /// with ten agents and is killed mid-way, once the agents have been set away and no callback is in flight; the
    /// third finishes. The customer's phone (one sipp UAS on the trunk, kept across the restarts) counts the INVITEs.
    /// Each callback takes about 8 s (greeting, agent, 1 s talk, 1 s wrap-up); ten agents keep the test near a minute.
    /// </summary>
    [Fact]
    public async Task FiftyPendingCallbacks_SurviveKillNine_AndEachIsDialledExactlyOnce()
    {
        const int Count = 50;
        var agentPort = SippProcess.FreeUdpPort();
        var customerPort = SippProcess.FreeUdpPort();
        var agents = Enumerable.Range(1, 10).Select(i => ("a" + i.ToString(CultureInfo.InvariantCulture), agentPort, 5)).ToArray();
        await using var rig = await RouterRig.CreateAsync(agents);
        var numbers = Enumerable.Range(0, Count).Select(i => "+3361200" + i.ToString("D4", CultureInfo.InvariantCulture)).ToArray();
        var store = await OpenStoreAsync(rig);
        var entered = DateTimeOffset.UtcNow.AddMinutes(-10);
        for (var i = 0; i < Count; i++)
        {
            var booked = await store.BookAsync(new CallbackBooking("durability:" + numbers[i], "billing", numbers[i], numbers[i],
                entered.AddSeconds(i), entered.AddSeconds(i + 60)));
            Assert.True(booked.Created);
        }

        var first = await rig.StartEngineAsync(Trunk(customerPort));
        await first.WaitForLogAsync($"Callbacks: {Count} pending (0 interrupted", Bound);
        Assert.Equal(Count, (await rig.GetAsync("/api/callbacks")).GetArrayLength());
        await first.DisposeAsync(); // SIGKILL: no drain, no shutdown hook

        var trace = Path.Combine(rig.Folder, "customer-messages.log");
        using var customer = SippProcess.Start(customerPort, "-sf", SippProcess.Scenario("uas_agent_answer_wait_bye.xml"), "-m", "1000",
            "-rtp_echo", "-timeout", "300s", "-trace_msg", "-message_file", trace);
        using var agent = SippProcess.Start(agentPort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1000", "-d", "1000",
            "-rtp_echo", "-timeout", "300s");
        var second = await rig.StartEngineAsync(Trunk(customerPort));
        await second.WaitForLogAsync($"Callbacks: {Count} pending (0 interrupted", Bound);
        Assert.Equal(Count, (await rig.GetAsync("/api/callbacks")).GetArrayLength());
        foreach (var (id, _, _) in agents)
        {
            using var ready = await rig.SetAgentStateAsync(id, "ready");
            Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());
        }
        await WaitForRowsAsync(store, rows => rows.Count(r => r.State == CallbackState.Connected) >= 15, "15 callbacks connected", second);

        // Mid-way: agents away one by one as each finishes its call (a talking agent is refused with 409), then no row
        // left Dialling (the outcome write follows the hang-up) — nothing is in flight when the engine dies.
        var away = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 300 && away.Count < agents.Length; round++)
        {
            foreach (var (id, _, _) in agents.Where(a => !away.Contains(a.Item1)))
            {
                using var response = await rig.SetAgentStateAsync(id, "away");
                if (response.IsSuccessStatusCode) away.Add(id);
            }
            if (away.Count < agents.Length) await Task.Delay(100);
        }
        Assert.True(away.Count == agents.Length, "agents still on calls after 30 s:\n" + second.Log);
        var atKill = await WaitForRowsAsync(store, rows => rows.All(r => r.State is CallbackState.Connected or CallbackState.Pending), "no callback in flight", second);
        var served = atKill.Count(r => r.State == CallbackState.Connected);
        var pending = Count - served;
        output.WriteLine($"killed mid-way: {served} connected, {pending} pending, none in flight");
        Assert.InRange(pending, 1, Count - 15);
        await second.DisposeAsync(); // SIGKILL again

        var third = await rig.StartEngineAsync([.. Trunk(customerPort), "--set", "Routing:InitialAgentState=Ready"]);
        await third.WaitForLogAsync($"Callbacks: {pending} pending (0 interrupted", Bound);
        var done = await WaitForRowsAsync(store, rows => rows.All(r => r.State == CallbackState.Connected), "all 50 connected", third);
        Assert.All(done, r => Assert.Equal(1, r.Attempts));

        // The callee's count: distinct INVITE transactions (Call-IDs; retransmissions share one) per dialled number.
        var invites = CountInvites(await File.ReadAllTextAsync(trace));
        output.WriteLine($"INVITEs at the customer's phone: {invites.Values.Sum()} for {invites.Count} numbers");
        Assert.Equal(numbers.Select(n => n.TrimStart('+')).Order(StringComparer.Ordinal), invites.Keys.Order(StringComparer.Ordinal));
        Assert.All(invites, pair => Assert.True(pair.Value == 1, $"{pair.Key} was dialled {pair.Value} times"));
    }

    [Fact]
    public async Task PremiumRateCallerId_IsRefusedWithItsPrompt_AndNothingIsBooked()
    {
        await using var rig = await RouterRig.StartAsync([("a1", SippProcess.FreeUdpPort(), 5)], "--set", "Routing:InitialAgentState=Away");

        // The caller confirms its own (premium-rate) caller ID; the flow asks again, gets no key, and gives up.
        await AcceptCallbackByDtmfAsync(rig, "+33899123456");
        await rig.Engine.WaitForLogAsync("ended: hangup:unavailable", Bound);
        var log = rig.Engine.Log;
        var refused = log.IndexOf("Callback to +33899123456 not booked (PremiumRate)", StringComparison.Ordinal);
        var prompt = log.IndexOf("Announcement: Sorry, we cannot call back premium-rate or special numbers.", StringComparison.Ordinal);
        Assert.True(refused >= 0 && prompt > refused, "no refusal prompt:\n" + log);
        Assert.DoesNotContain("Sound file", log, StringComparison.Ordinal);
        Assert.Equal(0, (await rig.GetAsync("/api/callbacks")).GetArrayLength());
        Assert.Empty(await (await OpenStoreAsync(rig)).ListPendingAsync());
    }

    [Fact]
    public async Task MessageLeftForASkill_IsAWavWithMetadata_FetchedOverHttp()
    {
        await using var rig = await RouterRig.StartAsync([("a1", SippProcess.FreeUdpPort(), 5)], "--set", "Routing:InitialAgentState=Away");
        using (var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_message_dtmf.xml"), "-s", "hotline", "-m", "1"))
        {
            Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + rig.Engine.Log);
        }
        await rig.Engine.WaitForLogAsync("ended: hangup:message-left", Bound);

        var messages = await rig.GetAsync("/api/messages");
        var message = Assert.Single(messages.EnumerateArray());
        Assert.Equal("billing", message.GetProperty("skill").GetString());
        Assert.Equal("+33612345678", message.GetProperty("callerNumber").GetString());
        // The caller speaks (7 s of g711a.pcap) into a 4 s recording that starts after the prompt and beep: what the
        // engine received in those 4 s is kept, the rest is cut by the step's maxLength.
        var seconds = message.GetProperty("durationSeconds").GetDouble();
        Assert.InRange(seconds, 1.0, 4.5);
        var audio = await RouterRig.Client.GetByteArrayAsync(rig.Api + message.GetProperty("audio").GetString());
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(audio, 0, 4));
        Assert.Equal("WAVE", System.Text.Encoding.ASCII.GetString(audio, 8, 4));
        // 8 kHz 16-bit mono: the samples in the file are the duration stored in the metadata.
        Assert.InRange(audio.Length - 44, (int)(seconds * 16000) - 320, (int)(seconds * 16000) + 320);
        Assert.True(audio.AsSpan(44).IndexOfAnyExcept((byte)0) >= 0, "the recorded message is all silence");
        Assert.True(File.Exists(Path.Combine(rig.DataFolder, "messages", message.GetProperty("id").GetString() + ".wav")));
        var queue = await rig.QueueAsync();
        Assert.Equal(1, queue.GetProperty("messagesRecorded").GetInt64());
        using var missing = await RouterRig.Client.GetAsync(rig.Api + "/api/messages/nope/audio");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static string[] Trunk(int customerPort) =>
    [
        "--set", "Routing:InitialAgentState=Away",
        "--set", "Routing:CallbackTrunk=sip:{number}@127.0.0.1:" + customerPort.ToString(CultureInfo.InvariantCulture),
        "--set", "Routing:CallbackRetryBackoff=00:00:02",
    ];

    /// <summary>One sipp caller queues for billing, takes the callback offer and confirms its own number by DTMF.</summary>
    private static async Task AcceptCallbackByDtmfAsync(RouterRig rig, string callerId = "+33612345678")
    {
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_callback_dtmf.xml"), "-s", "hotline", "-m", "1", "-key", "caller", callerId);
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + rig.Engine.Log);
    }

    private static async Task<SqliteCallbackStore> OpenStoreAsync(RouterRig rig) =>
        await SqliteCallbackStore.OpenAsync(new SqliteDatabase(Path.Combine(rig.DataFolder, "ivr.db")), DateTimeOffset.UtcNow);

    private static async Task<CallbackRecord> ReadAsync(RouterRig rig, long id)
    {
        var store = await OpenStoreAsync(rig);
        return await store.GetAsync(id) ?? throw new InvalidOperationException($"callback {id} is not in the database");
    }

    /// <summary>Reads every callback row until <paramref name="until"/> holds (bounded: 3 minutes).</summary>
    private static async Task<IReadOnlyList<CallbackRecord>> WaitForRowsAsync(
        SqliteCallbackStore store, Func<IReadOnlyList<CallbackRecord>, bool> until, string what, EngineProcess engine)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var rows = new List<CallbackRecord>();
            for (long id = 1; await store.GetAsync(id) is { } row; id++) rows.Add(row);
            if (until(rows)) return rows;
            if (DateTime.UtcNow > deadline)
            {
                var states = string.Join(", ", rows.GroupBy(r => r.State).Select(g => $"{g.Key}: {g.Count()}"));
                throw new TimeoutException($"not reached within 3 minutes: {what} ({states}); engine:\n{engine.Log}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Distinct INVITE Call-IDs per Request-URI user part in a sipp <c>-trace_msg</c> file (received messages only).</summary>
    private static Dictionary<string, int> CountInvites(string trace)
    {
        var calls = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(trace,
            @"message received \[\d+\] bytes :\s+INVITE sip:([^@;>\s]+)@[^\n]*\n(?:[^\n]+\n)*?(?:Call-ID|i)\s*:\s*(\S+)",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase))
        {
            var number = m.Groups[1].Value;
            if (!calls.TryGetValue(number, out var ids)) calls[number] = ids = new HashSet<string>(StringComparer.Ordinal);
            ids.Add(m.Groups[2].Value);
        }
        return calls.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal);
    }

    private static string? Text(System.Text.Json.JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;

    /// <summary>Reads <paramref name="path"/> (a list of calls) until it holds <paramref name="callId"/> matching <paramref name="until"/> (bounded: 60 s).</summary>
    private static async Task<System.Text.Json.JsonElement> WaitForCallAsync(
        RouterRig rig, string path, string callId, Func<System.Text.Json.JsonElement, bool> until, EngineProcess engine)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var calls = await rig.GetAsync(path);
            foreach (var call in calls.EnumerateArray())
            {
                if (Text(call, "callId") == callId && until(call)) return call.Clone();
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{callId} not as expected in {path} within {Bound.TotalSeconds} s: {calls}\nengine:\n{engine.Log}");
            await Task.Delay(100);
        }
    }

    private static async Task<CallbackRecord> WaitForStateAsync(RouterRig rig, long id, CallbackState state)
    {
        // The outcome is written right after the log line; a few bounded reads cover the write's latency.
        for (var i = 0; i < 50; i++)
        {
            var row = await ReadAsync(rig, id);
            if (row.State == state) return row;
            await Task.Delay(100);
        }
        return await ReadAsync(rig, id);
    }
}
