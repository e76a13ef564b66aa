using FsCheck;
using FsCheck.Fluent;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using static Ivr.Tests.Flows.Linting.TestFlows;

namespace Ivr.Tests.Flows.Linting;

public class FlowLinterTests
{
    [Fact]
    public void Lint_SeveralFindings_SortsErrorsFirstThenByLine()
    {
        var flow = Create(
            [Play("welcome", "bye"), Hangup("bye"), Hangup("orphan"), Play("broken", "nowhere")],
            ("/steps/orphan", 3), ("/steps/broken", 20), ("/steps/broken/next", 21), ("/start", 2)) with { Start = "welcome" };
        var flow2 = flow with { Steps = new Dictionary<string, Step>(flow.Steps) { ["typo"] = Goto("typo", "welcom") } };

        var found = Lint(flow2);

        Assert.Equal(
            [(Severity.Error, 1), (Severity.Error, 21), (Severity.Warning, 1), (Severity.Warning, 3), (Severity.Warning, 20)],
            found.Select(d => (d.Severity, d.Line)));
    }

    [Fact]
    public void Lint_DiagnosticsCarryTheSourceFile()
    {
        var flow = Create([Play("welcome", "nope")]) with { Source = new SourceInfo("flows/hotline.json", new Dictionary<string, (int, int)>()) };

        var d = Assert.Single(Lint(flow));

        Assert.Equal(("flows/hotline.json", 0, 0), (d.File, d.Line, d.Column));
    }

    [Fact]
    public void Lint_StepsWithNullParts_ReportsInsteadOfThrowing()
    {
        var menu = new MenuStep { Name = "main", Pointer = P("main"), Prompt = null!, Choices = null!, OnExhausted = null! };
        var branch = new BranchStep { Name = "b", Pointer = P("b"), Conditions = [new BranchCase(null!, null!, "/x")], Else = "main" };
        var flow = Create([menu, branch, new SetStep { Name = "s", Pointer = null!, Values = null!, Next = null! }]) with { Languages = null!, Prompts = null!, Calendars = null! };

        var found = Lint(flow);

        Assert.Contains(found, d => d.Code == DiagnosticCodes.UnknownTarget);
    }

    [Fact]
    public void Lint_LongChainOfSteps_DoesNotOverflowTheStack()
    {
        const int n = 20_000;
        var steps = Enumerable.Range(0, n).Select(i => (Step)Goto($"s{i}", $"s{i + 1}")).Append(Goto($"s{n}", "s0"));

        var d = Assert.Single(Lint(Create(steps)));

        Assert.Equal(DiagnosticCodes.LoopWithoutExit, d.Code);
    }

    private static readonly string[] Names = ["a", "b", "c", "d", "e", "zz"];

    private static Step RandomStep(string name, int kind, string t1, string t2) => kind switch
    {
        0 => Play(name, t1),
        1 => Goto(name, t1),
        2 => Menu(name, t2, Choice(name, 0, t1, ["1"]), Choice(name, 1, t2, ["1"], "x", "X")),
        3 => Hangup(name),
        4 => Queue(name, t1),
        5 => Branch(name, t2, (When(name, 0, "v", ConditionOp.Matches, "("), t1)),
        6 => Digits(name, "caller.number", t1, t2) with { Min = 5, Max = 2 },
        _ => new ReturnStep { Name = name, Pointer = P(name) },
    };

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Lint_AnyGraph_NeverThrowsAndSortsErrorsFirst(int[] kinds, int[] targets)
    {
        if (kinds is null || kinds.Length == 0) return true;
        targets ??= [];
        var steps = kinds.Take(5).Select((k, i) =>
            RandomStep(Names[i], Math.Abs(k % 8), Names[Math.Abs(targets.ElementAtOrDefault(2 * i) % Names.Length)],
                Names[Math.Abs(targets.ElementAtOrDefault(2 * i + 1) % Names.Length)]));
        var found = Lint(Create(steps));
        return found.Select(d => (int)d.Severity).SequenceEqual(found.Select(d => (int)d.Severity).OrderDescending());
    }
}
