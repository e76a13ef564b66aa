using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class MessageErrorRuleTests
{
    private static MessageStep Message(string name, string next, string? skill, string? onError) =>
        new() { Name = name, Pointer = P(name), Skill = skill, Next = next, OnError = onError };

    [Fact]
    public void Lint_SkillMessageWithoutOnError_WarnsIvr313AtTheStep()
    {
        var flow = Create([Message("msg", "bye", "billing", null), Hangup("bye")], ("/steps/msg", 9));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.MessageWithoutOnError));

        Assert.Equal(("IVR313", Severity.Warning, "/steps/msg", 9), (d.Code, d.Severity, d.Pointer, d.Line));
        Assert.Contains("billing", d.Message, StringComparison.Ordinal);
        Assert.Contains("onError", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_SkillMessageWithOnError_OrAMessageWithoutSkill_ReportsNothing()
    {
        var flow = Create([Message("msg", "bye", "billing", "sorry"), Message("local", "bye", null, null), Hangup("bye"), Hangup("sorry")]);

        Assert.Empty(Lint(flow, DiagnosticCodes.MessageWithoutOnError));
    }

    [Fact]
    public void Lint_OnErrorToAnUnknownStep_IsAnUnknownTarget()
    {
        var flow = Create([Message("msg", "bye", "billing", "nowhere"), Hangup("bye")]);

        Assert.Contains(Lint(flow), d => d.Severity == Severity.Error && d.Pointer == "/steps/msg/onError");
    }
}
