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

    [Fact]
    public void ToStringAndSafeUrl_NeverShowTheSecretTheUserInfoOrTheQuery()
    {
        var options = new EventsOptions();
        options.Webhooks["crm"] = new WebhookOptions { Url = "https://user:pa55@crm.example.com:8443/in/events?key=s3cr3t", Secret = "hmac-secret-value" };

        var target = Assert.Single(WebhookTarget.From(options).Targets);

        Assert.Equal("https://crm.example.com:8443/in/events", target.SafeUrl);
        var text = target.ToString();
        Assert.DoesNotContain("hmac-secret-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
        Assert.Contains("crm", text, StringComparison.Ordinal);
    }
}
