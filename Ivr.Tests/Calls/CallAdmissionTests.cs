using Ivr.Engine.Calls;
using Ivr.Flows.Runtime;

namespace Ivr.Tests.Calls;

/// <summary>The admission decision as plain code: flow by dialled number, offer/answer, capacity and drain.</summary>
public class CallAdmissionTests
{
    [Fact]
    public void Decide_KnownNumber_TakesTheCallWithTheCallersData()
    {
        var session = new InProcessInviteSession("abc@host", "hotline", "+15555550123", "Grace");

        var admission = CallAdmission.Decide(session.Invite, session.CallId, CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.True(admission.IsAccepted);
        Assert.Equal("hotline", admission.Flow!.Id);
        Assert.Equal(new CallInfo("abc@host", "+15555550123", "Grace", "hotline"), admission.Call);
        Assert.Equal(0, admission.Media!.Format.PayloadType);
        Assert.Equal(101, admission.Media.Format.DtmfPayloadType);
    }

    [Fact]
    public void Decide_UnknownNumberWithoutDefault_Is404()
    {
        var session = new InProcessInviteSession("x", "nobody");

        var admission = CallAdmission.Decide(session.Invite, "x", CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal(404, admission.StatusCode);
    }

    [Fact]
    public void Decide_UnknownNumberWithDefaultFlow_RunsTheDefault()
    {
        var session = new InProcessInviteSession("x", "nobody");
        var settings = CallTestFlows.Settings with { DefaultFlow = "goodbye" };

        var admission = CallAdmission.Decide(session.Invite, "x", settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal("goodbye", admission.Flow?.Id);
    }

    [Fact]
    public void Decide_MappedFlowNotLoaded_Is480()
    {
        var session = new InProcessInviteSession("x", "ghost");
        var settings = CallTestFlows.Settings with { FlowMap = new Dictionary<string, string> { ["ghost"] = "missing" } };

        var admission = CallAdmission.Decide(session.Invite, "x", settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal(480, admission.StatusCode);
    }

    [Fact]
    public void Decide_NoOffer_Is488()
    {
        var session = new InProcessInviteSession("x", sdpOffer: null);

        var admission = CallAdmission.Decide(session.Invite, "x", CallTestFlows.Settings, CallTestFlows.Catalog, 0, draining: false);

        Assert.Equal(488, admission.StatusCode);
    }

    [Theory]
    [InlineData(1000, false)]
    [InlineData(0, true)]
    public void Decide_OverCapacityOrDraining_Is503WithRetryAfter(int live, bool draining)
    {
        var session = new InProcessInviteSession("x");

        var admission = CallAdmission.Decide(session.Invite, "x", CallTestFlows.Settings, CallTestFlows.Catalog, live, draining);

        Assert.Equal(503, admission.StatusCode);
        Assert.Contains(admission.Headers, h => h is { Name: "Retry-After", Value: "5" });
    }
}
