using Ivr.Engine.Calls;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Calls.Legs;

/// <summary>"Ring an agent and bridge", the one implementation, over in-process legs: bridging, ending, late answers.</summary>
public class AgentConnectionTests
{
    [Fact]
    public void Bridge_ThenEnd_UnbridgesAndSendsTheAgentOneBye()
    {
        var (caller, callerMedia) = Leg(out _);
        var (agent, agentMedia) = Leg(out var agentCall);
        var connection = Connection();

        Assert.True(connection.Bridge(caller, agent, new LegTests.Recorder()));
        Assert.True(connection.IsBridged);
        callerMedia.Hear(new short[160]);
        connection.End();
        connection.End();
        callerMedia.Hear(new short[160]);

        Assert.False(connection.IsBridged);
        Assert.Equal(160, agentMedia.SentAudioSamples);
        Assert.Equal(1, agentCall.Byes);
        Assert.True(agentMedia.IsClosed);
        Assert.False(callerMedia.IsClosed);
    }

    [Fact]
    public void AgentHangsUp_TheListenerHears_AndEndingSendsNoBye()
    {
        var (caller, _) = Leg(out _);
        var (agent, _) = Leg(out var agentCall);
        var connection = Connection();
        var heard = new LegTests.Recorder();
        connection.Bridge(caller, agent, heard);

        agentCall.FarEndHangsUp();
        connection.End();

        Assert.Equal(1, heard.HangUps);
        Assert.Equal(0, agentCall.Byes);
    }

    [Fact]
    public void Bridge_AfterEnd_OrWithTheCallerGone_HangsTheAgentUp()
    {
        var (caller, _) = Leg(out _);
        var (late, _) = Leg(out var lateCall);
        var ended = Connection();
        ended.End();

        Assert.False(ended.Bridge(caller, late, new LegTests.Recorder()));
        Assert.Equal(1, lateCall.Byes);

        var (gone, _) = Leg(out var goneCall);
        goneCall.FarEndHangsUp();
        var (agent, _) = Leg(out var agentCall);
        Assert.False(Connection().Bridge(gone, agent, new LegTests.Recorder()));
        Assert.Equal(1, agentCall.Byes);
    }

    [Fact]
    public void Bridge_AnAgentWhoAlreadyHungUp_IsRefused_AndNothingIsSentToIt()
    {
        var (caller, callerMedia) = Leg(out _);
        var (agent, _) = Leg(out var agentCall);
        agentCall.FarEndHangsUp();

        Assert.False(Connection().Bridge(caller, agent, new LegTests.Recorder()));
        callerMedia.Hear(new short[160]);

        Assert.Equal(0, agentCall.Byes);
        Assert.False(callerMedia.IsClosed);
    }

    [Fact]
    public void End_WithALateAnswer_HangsThatLegUp()
    {
        var (late, _) = Leg(out var lateCall);
        var connection = Connection();

        connection.End(new RingOutResult(OutboundCallStatus.Answered, 200, late));

        Assert.Equal(1, lateCall.Byes);
    }

    [Fact]
    public async Task RingAsync_NoSipStack_IsAResultWithoutALeg_NotAThrow()
    {
        var connection = Connection();

        var result = await connection.RingAsync("sip:agent@127.0.0.1:5999", "+33123456789", TimeSpan.FromSeconds(1));

        Assert.False(result.IsUp);
        Assert.Equal("the SIP stack is not running", result.Problem);
    }

    private static AgentConnection Connection() =>
        new(new OutboundDialer(() => null, new InProcessMediaFactory(), "ivr"), "a1", NullLogger.Instance);

    private static (OutboundLeg Leg, InProcessMediaSession Media) Leg(out InProcessOutboundCall call)
    {
        call = new InProcessOutboundCall("c-" + Guid.NewGuid().ToString("N"));
        var media = new InProcessMediaSession(LegTests.Negotiated());
        return (new OutboundLeg(call, media), media);
    }
}
