using Ivr.Flows.Diagnostics;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class RetryRuleTests
{
    [Theory]
    [InlineData(0, Severity.Warning)]
    [InlineData(-1, Severity.Error)]
    [InlineData(11, Severity.Warning)]
    [InlineData(99, Severity.Warning)]
    public void Lint_MenuMaxRetriesOutOfRange_ReportsRetriesWithoutLimit(int retries, Severity severity)
    {
        var flow = Create([Menu("main", "bye", Choice("main", 0, "bye", ["1"])) with { MaxRetries = retries }, Hangup("bye")],
            ("/steps/main/maxRetries", 12));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.RetriesWithoutLimit));

        Assert.Equal((severity, "/steps/main/maxRetries", 12), (d.Severity, d.Pointer, d.Line));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public void Lint_DigitsMaxRetriesSensible_ReportsNothing(int retries)
    {
        var flow = Create([Digits("acct", "account", "bye", "bye") with { MaxRetries = retries }, Hangup("bye")]);

        Assert.Empty(Lint(flow));
    }

    [Fact]
    public void Lint_MenuExhaustedGoesBackToItselfThroughGoto_ReportsRetriesNeverEnd()
    {
        var flow = Create([Menu("main", "again", Choice("main", 0, "bye", ["1"])), Goto("again", "main"), Hangup("bye")],
            ("/steps/main/onExhausted", 15));

        var d = Assert.Single(Lint(flow, DiagnosticCodes.RetriesWithoutLimit));

        Assert.Equal((Severity.Error, "/steps/main/onExhausted", 15), (d.Severity, d.Pointer, d.Line));
        Assert.Contains("never end", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_DigitsExhaustedGoesDirectlyToItself_ReportsRetriesNeverEnd()
    {
        var flow = Create([Digits("acct", "account", "bye", "acct"), Hangup("bye")]);

        Assert.Single(Lint(flow, DiagnosticCodes.RetriesWithoutLimit));
    }
}
