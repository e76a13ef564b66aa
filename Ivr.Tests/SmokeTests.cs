using Ivr.Flows.Model;

namespace Ivr.Tests;

public class SmokeTests
{
    [Fact]
    public void SourceInfo_PositionOf_FallsBackToAncestor()
    {
        var s = new SourceInfo("f.json", new Dictionary<string, (int, int)> { [""] = (1, 1), ["/steps"] = (3, 12) });
        Assert.Equal((3, 12), s.PositionOf("/steps/welcome/next"));
    }
}
