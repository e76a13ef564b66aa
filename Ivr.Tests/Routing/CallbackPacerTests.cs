using Ivr.Engine.Routing;

namespace Ivr.Tests.Routing;

public class CallbackPacerTests
{
    [Theory]
    [InlineData(0, 0, false)]
    [InlineData(3, 0, true)]
    [InlineData(3, 1, false)]
    [InlineData(5, 2, true)]
    [InlineData(4, 2, false)]
    public void MayDial_KeepsAgentsForTheLiveLineAndReserve(int free, int liveWaiting, bool expected) =>
        Assert.Equal(expected, new CallbackPacer(ReserveAgents: 2).MayDial(free, liveWaiting, TimeSpan.FromMinutes(1)));

    [Fact]
    public void MayDial_PastMaxDeferral_ServesInOrder()
    {
        var pacer = new CallbackPacer(ReserveAgents: 5, MaxDeferral: TimeSpan.FromMinutes(10));

        Assert.False(pacer.MayDial(1, 3, TimeSpan.FromMinutes(9)));
        Assert.True(pacer.MayDial(1, 3, TimeSpan.FromMinutes(10)));
        Assert.False(pacer.MayDial(0, 0, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void SquareRootReserve_CliDefaults_IsSeven() => Assert.Equal(7, CallbackPacer.SquareRootReserve(48, 1));
}
