using Ivr.Engine.Calls;

namespace Ivr.Tests.Calls;

/// <summary>The drain's one-way switch that the SIP stack's probes and the cluster's router hand-off read.</summary>
public sealed class CallIntakeTests
{
    [Fact]
    public void Close_CalledAgain_RaisesClosedOnce_AndStaysClosed()
    {
        var intake = new CallIntake();
        var raised = 0;
        intake.Closed += () => raised++;
        Assert.True(intake.IsOpen);

        intake.Close();
        intake.Close();

        Assert.False(intake.IsOpen);
        Assert.Equal(1, raised);
    }
}
