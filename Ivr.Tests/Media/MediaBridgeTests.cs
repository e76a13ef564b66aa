using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

/// <summary>A caller leg (PCMU/20) bridged to an agent leg (PCMA/30), each with a real peer.</summary>
[Collection(RealTimeMediaCollection.Name)]
public sealed class MediaBridgeTests
{
    [Fact]
    public async Task Bridge_PcmuCallerToPcmaAgent_RelaysAudioBothWaysAndDtmf()
    {
        await using var rig = new MediaRig();
        var (caller, callerLeg) = await rig.PairAsync(MediaRig.Pcmu20);
        var (agentLeg, agent) = await rig.PairAsync(MediaRig.Pcma30);
        var agentHears = new FrameLog(agent);
        var callerHears = new FrameLog(caller);
        using var bridge = new MediaBridge(callerLeg, agentLeg);

        // Tones long enough that a scheduling stall on a loaded machine cannot starve the count below the threshold.
        caller.Play(MediaRig.Tone(440, TimeSpan.FromSeconds(3)));
        agent.Play(MediaRig.Tone(1000, TimeSpan.FromSeconds(3)));
        await agentHears.WaitAsync(l => l.CountLoud(440) >= 20, "the caller's tone at the agent");
        await callerHears.WaitAsync(l => l.CountLoud(1000) >= 30, "the agent's tone at the caller");
        caller.SendDtmf('7');
        await agentHears.WaitAsync(l => l.Digits.Length >= 1, "the caller's digit at the agent");
        var count = agentHears.Count;
        await agentHears.WaitAsync(l => l.Count >= count + 10, "audio after the digit");

        Assert.All(agentHears.Snapshot(), f => Assert.Equal(240, f.Samples));
        Assert.All(callerHears.Snapshot(), f => Assert.Equal(160, f.Samples));
        Assert.Equal("7", agentHears.Digits);
        Assert.Equal(string.Empty, callerHears.Digits);
    }

    [Fact]
    public async Task Dispose_UnhooksTheLegs()
    {
        await using var rig = new MediaRig();
        var (caller, callerLeg) = await rig.PairAsync();
        var (agentLeg, agent) = await rig.PairAsync();
        var agentHears = new FrameLog(agent);
        var bridge = new MediaBridge(callerLeg, agentLeg);
        bridge.Dispose();

        var callerLegHears = new FrameLog(callerLeg);
        caller.Play(MediaRig.Tone(440, TimeSpan.FromMilliseconds(500)));
        await callerLegHears.WaitAsync(l => l.CountLoud(440) >= 25, "the tone on the caller's leg");
        var count = agentHears.Count;
        await agentHears.WaitAsync(l => l.Count >= count + 5, "more agent frames");

        Assert.Equal(0, agentHears.CountLoud(440));
    }
}
