using System.Globalization;
using System.Net;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// The skill router end to end: sipp callers queue in the real <c>ivr serve</c>, sipp UAS instances act as agents'
/// phones, and the engine delivers, bridges, measures and gives up as a contact centre must.
/// </summary>
[Collection(EngineProcessesCollections.A)]
public class RouterCallTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task QueuedCaller_IsBridgedToTheAgent_AudioFlowsBothWays_AndTheAgentsByeEndsTheCallerLeg()
    {
        var agentPort = SippProcess.FreeUdpPort();
        await using var rig = await RouterRig.StartAsync([("a1", agentPort, 5)]);
        using var agent = SippProcess.Start(agentPort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "3000", "-rtp_echo");
        using var media = new PatternRtpPeer();
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_queue_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", media.Port.ToString(CultureInfo.InvariantCulture));

        // While bridged (the agent talks 3 s), the ops API shows the call as connected, not ending.
        var connected = false;
        for (var i = 0; i < 600 && !connected && !caller.HasExited; i++)
        {
            var calls = await rig.GetAsync("/api/calls");
            connected = calls.EnumerateArray().Any(c => c.GetProperty("state").GetString() == "connected");
            if (!connected) await Task.Delay(50);
        }
        var callerExit = await caller.WaitAsync(Bound);
        var agentExit = await agent.WaitAsync(Bound);

        output.WriteLine($"caller side: {media.Received} packets received, {media.Echoed} carried the caller's own code back through the agent");
        Assert.True(connected, "the bridged call never showed as connected on /api/calls");
        Assert.True(agentExit == 0, "agent sipp failed:\n" + agent.Output + "\nengine:\n" + rig.Engine.Log);
        // The caller's sipp waits for the engine's BYE: exit 0 means the agent's BYE ended the caller's leg too.
        Assert.True(callerExit == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + rig.Engine.Log);
        // Caller → engine → agent (sipp echoes) → engine → caller: 50 packets is a second of two-way audio.
        Assert.True(media.Echoed >= 50, $"only {media.Echoed} echoed packets reached the caller (of {media.Received})");
        await rig.Engine.WaitForLogAsync("Agent a1 hung up", Bound);
        await rig.Engine.WaitForLogAsync("ended: connected:billing", Bound);
        var queue = await rig.QueueAsync();
        Assert.Equal(1, queue.GetProperty("window").GetProperty("answered").GetInt32());
        Assert.Equal(0, queue.GetProperty("window").GetProperty("abandoned").GetInt32());
    }

    [Fact]
    public async Task AgentWhoDoesNotAnswer_GoesAway_TheCallerKeepsItsPlace_AndTheNextAgentTakesIt()
    {
        var silentPort = SippProcess.FreeUdpPort();
        var answeringPort = SippProcess.FreeUdpPort();
        // a1 has the better level, so it is rung first; its phone never answers (ring timeout 2 s).
        await using var rig = await RouterRig.StartAsync([("a1", silentPort, 9), ("a2", answeringPort, 5)]);
        using var silent = SippProcess.Start(silentPort, "-sf", SippProcess.Scenario("uas_agent_noanswer.xml"), "-m", "1");
        using var answering = SippProcess.Start(answeringPort, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "2000", "-rtp_echo");
        using var media = new PatternRtpPeer();
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_queue_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", media.Port.ToString(CultureInfo.InvariantCulture));

        Assert.True(await silent.WaitAsync(Bound) == 0, "silent agent sipp failed (expects INVITE, then CANCEL):\n" + silent.Output + "\nengine:\n" + rig.Engine.Log);
        Assert.True(await answering.WaitAsync(Bound) == 0, "answering agent sipp failed:\n" + answering.Output + "\nengine:\n" + rig.Engine.Log);
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + rig.Engine.Log);

        var log = rig.Engine.Log;
        var missed = log.IndexOf("Agent a1 did not answer", StringComparison.Ordinal);
        var second = log.IndexOf("goes to agent a2", StringComparison.Ordinal);
        Assert.True(missed >= 0 && second > missed, "a2 was not rung after a1's no-answer:\n" + log);
        Assert.DoesNotContain("abandoned billing", log, StringComparison.Ordinal);
        Assert.True(media.Echoed >= 25, $"only {media.Echoed} echoed packets after the bridge with a2");
        Assert.Equal("Away", await rig.AgentStateAsync("a1"));
        var queue = await rig.QueueAsync();
        Assert.Equal(1, queue.GetProperty("window").GetProperty("answered").GetInt32());
        // The second ring started after the first timed out: the caller's measured wait covers both.
        Assert.True(queue.GetProperty("window").GetProperty("averageSpeedOfAnswerSeconds").GetDouble() >= 1.5);
    }

    [Fact]
    public async Task CallerWhoHangsUpWhileWaiting_CountsAsAbandoned_WithItsWait()
    {
        // The only agent is away: nobody answers, the caller listens 3 s and hangs up.
        await using var rig = await RouterRig.StartAsync([("a1", SippProcess.FreeUdpPort(), 5)], "--set", "Routing:InitialAgentState=Away");
        using var rtp = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_listen_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", ((IPEndPoint)rtp.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture));

        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output);
        await rig.Engine.WaitForLogAsync("abandoned billing after", Bound);

        var window = (await rig.QueueAsync()).GetProperty("window");
        Assert.Equal(1, window.GetProperty("arrivals").GetInt32());
        Assert.Equal(1, window.GetProperty("abandoned").GetInt32());
        Assert.Equal(0, window.GetProperty("answered").GetInt32());
        Assert.Equal(1.0, window.GetProperty("abandonmentRate").GetDouble());
        // One abandonment after ~3 s of waiting: the patience estimate is that wait (abandons / minutes waited).
        Assert.InRange(window.GetProperty("estimatedPatienceSeconds").GetDouble(), 2.5, 6.0);
    }
}
