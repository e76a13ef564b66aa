using System.Diagnostics;
using System.Text.RegularExpressions;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// RFC 3261 signalling corner cases against the real <c>ivr serve</c> process, with sipp as the caller: CANCEL while the
/// engine rings, a retransmitted INVITE, a late ACK and no ACK at all. Each ends with no call actor left (<c>/readyz</c>).
/// </summary>
[Collection(EndToEndCollection.Name)]
public class SippSignalingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static Task<EngineProcess> StartGreetingEngineAsync(string ringFor) =>
        EngineProcess.StartAsync("--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:hotline=greet", "--set", "Calls:RingFor=" + ringFor);

    [Fact]
    public async Task CancelWhileRinging_Gets200And487_AndNoCallActorIsLeft()
    {
        await using var engine = await StartGreetingEngineAsync("00:00:10");
        var log = await CallAsync(engine, "cancel.xml", "-m", "3", "-r", "3");

        Assert.Equal(3, log.Received("SIP/2.0 180", "1 INVITE").Select(e => e.CallId).Distinct().Count());
        Assert.Equal(3, log.Received("SIP/2.0 200", "1 CANCEL").Count());
        Assert.Equal(3, log.Received("SIP/2.0 487", "1 INVITE").Select(e => e.CallId).Distinct().Count());
        Assert.Empty(log.Received("SIP/2.0 200", "1 INVITE"));
        await AssertNoCallLeftAsync(engine, "ended: cancelled", 3);
    }

    [Fact]
    public async Task RetransmittedInvite_IsAbsorbed_OneCallOneActor()
    {
        // Ringing for a second keeps the transaction in Proceeding when the retransmission arrives: it gets the last
        // provisional response again and must not start a second call.
        await using var engine = await StartGreetingEngineAsync("00:00:01");
        var log = await CallAsync(engine, "uac_invite_retransmitted.xml", "-m", "3", "-r", "3", "-nr");

        var callIds = log.Entries.Select(e => e.CallId).Where(c => c.Length > 0).Distinct().ToList();
        Assert.Equal(3, callIds.Count);
        foreach (var callId in callIds)
        {
            Assert.Equal(2, log.Entries.Count(e => !e.Received && e.CallId == callId && e.StartLine.StartsWith("INVITE ", StringComparison.Ordinal)));
            var provisional = log.Entries.Count(e => e.Received && e.CallId == callId && e.CSeq == "1 INVITE" && e.StartLine.StartsWith("SIP/2.0 1", StringComparison.Ordinal));
            Assert.True(provisional >= 3, $"{callId}: {provisional} provisional responses, expected 100, 180 and the last one again");
            Assert.Single(Regex.Matches(engine.Log, $"Call {Regex.Escape(callId)} from "));
        }
        await AssertNoCallLeftAsync(engine, "ended: hangup:greeted", 3);
    }

    [Fact]
    public async Task LateAck_The2xxIsRetransmittedUntilTheAck_AndTheCallGoesOn()
    {
        await using var engine = await StartGreetingEngineAsync("00:00:00");
        var log = await CallAsync(engine, "uac_late_ack.xml", "-m", "2", "-r", "2");

        foreach (var call in log.Received("SIP/2.0 200", "1 INVITE").GroupBy(e => e.CallId))
        {
            // RFC 3261 §13.3.1.4: T1 (0.5 s), then 2·T1 — both fall inside the caller's 2 s without an ACK.
            Assert.True(call.Count() >= 2, $"{call.Key}: the 200 was sent {call.Count()} time(s) before the late ACK");
        }
        Assert.Equal(2, log.Received("SIP/2.0 200", "1 INVITE").Select(e => e.CallId).Distinct().Count());
        await AssertNoCallLeftAsync(engine, "ended: hangup:greeted", 2);
    }

    [Fact]
    public async Task NoAckAtAll_The2xxIsRetransmittedThenTheEngineSendsByeAfterTimerH()
    {
        await using var engine = await StartGreetingEngineAsync("00:00:00");
        var log = await CallAsync(engine, "uac_no_ack.xml", "-m", "1", "-timeout", "90s");

        var oks = log.Received("SIP/2.0 200", "1 INVITE").ToList();
        var bye = Assert.Single(log.Entries, e => e.Received && e.StartLine.StartsWith("BYE ", StringComparison.Ordinal));
        // Retransmitted at 0.5, 1.5, 3.5, 7.5 s, then every T2 (4 s) until 64·T1 = 32 s: ten times after the first.
        Assert.InRange(oks.Count, 8, 12);
        var waited = bye.At - oks[0].At;
        Assert.InRange(waited.TotalSeconds, 31.0, 40.0);
        await engine.WaitForLogAsync("No ACK for the 2xx", Bound);
        await AssertNoCallLeftAsync(engine, "ended: no-ack", 1);
    }

    // sipp calls the engine with the scenario (-trace_msg), must succeed, and its message log is read back.
    private static async Task<SippMessageLog> CallAsync(EngineProcess engine, string scenario, params string[] args)
    {
        using var sipp = SippProcess.Start(
            SippProcess.FreeUdpPort(), [engine.Target, "-sf", SippProcess.Scenario(scenario), "-s", "hotline", "-trace_msg", .. args]);

        var exit = await sipp.WaitAsync(TimeSpan.FromSeconds(100));

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log);
        return SippMessageLog.Read(sipp.WorkDir);
    }

    private static async Task AssertNoCallLeftAsync(EngineProcess engine, string outcome, int calls)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{engine.HttpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var watch = Stopwatch.StartNew();
        string ready;
        int ended;
        do
        {
            ready = await http.GetStringAsync(new Uri("/readyz", UriKind.Relative));
            ended = Regex.Matches(engine.Log, Regex.Escape(outcome)).Count;
            if (ready == "ready: 0 live calls\n" && ended >= calls) break;
            await poll.WaitForNextTickAsync();
        }
        while (watch.Elapsed < Bound);

        Assert.Equal("ready: 0 live calls\n", ready);
        Assert.Equal(calls, ended);
        Assert.Equal(calls, Regex.Matches(engine.Log, " ended: ").Count);
    }
}
