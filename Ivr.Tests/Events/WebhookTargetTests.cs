using Ivr.Engine.Events;

namespace Ivr.Tests.Events;

public class WebhookTargetTests
{
    [Fact]
    public void From_BadUrlsAndUnknownTypes_AreLeftOutWithOneClearErrorEach_TheOthersKept()
    {
        var options = new EventsOptions();
        options.Webhooks["crm"] = new WebhookOptions { Url = "https://crm.example.com/in", Secret = "k", Types = "call.ended, callback.*" };
        options.Webhooks["relative"] = new WebhookOptions { Url = "crm.local/in" };
        options.Webhooks["ftp"] = new WebhookOptions { Url = "ftp://crm.example.com/in" };
        options.Webhooks["typo"] = new WebhookOptions { Url = "http://127.0.0.1:8081/", Types = "call.endd" };
        options.Webhooks["all"] = new WebhookOptions { Url = "http://127.0.0.1:8082/" };

        var (targets, errors) = WebhookTarget.From(options);

        Assert.Equal(["all", "crm"], targets.Select(t => t.Name));
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("Events:Webhooks:relative:Url 'crm.local/in' is not an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Events:Webhooks:ftp:Url", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Events:Webhooks:typo:Types names 'call.endd'", StringComparison.Ordinal));
        var crm = targets[1];
        Assert.True(crm.Takes(CallEventTypes.Ended));
        Assert.True(crm.Takes(CallEventTypes.CallbackBooked));
        Assert.True(crm.Takes(CallEventTypes.CallbackDialled));
        Assert.False(crm.Takes(CallEventTypes.Started));
        Assert.All(CallEventTypes.All, t => Assert.True(targets[0].Takes(t)));
        Assert.Null(targets[0].Secret);
    }
}
