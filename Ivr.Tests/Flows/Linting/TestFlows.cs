using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

namespace Ivr.Tests.Flows.Linting;

/// <summary>Builds small flows in code for the rule tests, with positions for the pointers a test asserts on.</summary>
internal static class TestFlows
{
    public const string FileName = "test.json";

    /// <summary>A flow of these steps (the first is the start) with lines given for some pointers; the root is line 1.</summary>
    public static FlowDocument Create(IEnumerable<Step> steps, params (string Pointer, int Line)[] lines)
    {
        var list = steps.ToList();
        var positions = new Dictionary<string, (int, int)> { [""] = (1, 1) };
        foreach (var (pointer, line) in lines) positions[pointer] = (line, 7);
        return new FlowDocument
        {
            Id = "test",
            Version = "1.0.0",
            Language = "en-US",
            Languages = ["en-US"],
            Start = list[0].Name,
            Steps = list.ToDictionary(s => s.Name, s => s),
            Source = new SourceInfo(FileName, positions),
        };
    }

    public static IReadOnlyList<Diagnostic> Lint(FlowDocument flow, LintOptions? options = null) =>
        FlowLinter.Lint(flow, options ?? new LintOptions());

    public static IReadOnlyList<Diagnostic> Lint(FlowDocument flow, string code, LintOptions? options = null) =>
        Lint(flow, options).Where(d => d.Code == code).ToList();

    public static string P(string step) => "/steps/" + step;

    public static PlayStep Play(string name, string next, string prompt = "hello") =>
        new() { Name = name, Pointer = P(name), Prompt = Inline(prompt, P(name) + "/prompt"), Next = next };

    public static HangupStep Hangup(string name) => new() { Name = name, Pointer = P(name) };

    public static GotoStep Goto(string name, string target) => new() { Name = name, Pointer = P(name), Target = target };

    public static SetStep Set(string name, string next, params (string Var, string Value)[] values) =>
        new() { Name = name, Pointer = P(name), Values = values.ToDictionary(v => v.Var, v => v.Value), Next = next };

    public static QueueStep Queue(string name, string onFailure) =>
        new() { Name = name, Pointer = P(name), Skill = "support", OnCallback = onFailure, OnMessage = onFailure, OnFailure = onFailure };

    public static MenuStep Menu(string name, string onExhausted, params MenuChoice[] choices) =>
        new() { Name = name, Pointer = P(name), Prompt = Inline("choose", P(name) + "/prompt"), Choices = choices, OnExhausted = onExhausted };

    public static DigitsStep Digits(string name, string variable, string next, string onExhausted) =>
        new() { Name = name, Pointer = P(name), Prompt = Inline("type", P(name) + "/prompt"), Variable = variable, Max = 8, Next = next, OnExhausted = onExhausted };

    public static BranchStep Branch(string name, string @else, params (Condition When, string Next)[] cases) =>
        new()
        {
            Name = name,
            Pointer = P(name),
            Conditions = cases.Select((c, i) => new BranchCase(c.When, c.Next, $"{P(name)}/conditions/{i}")).ToList(),
            Else = @else,
        };

    /// <summary>A choice of menu <paramref name="menu"/> at <paramref name="index"/>; phrases are for every locale.</summary>
    public static MenuChoice Choice(string menu, int index, string next, string[] keys, params string[] phrases) =>
        new(keys,
            phrases.Length == 0 ? new Dictionary<string, IReadOnlyList<string>>() : new Dictionary<string, IReadOnlyList<string>> { ["*"] = phrases },
            next, null, new Dictionary<string, string>(), $"{P(menu)}/choices/{index}");

    public static VarCondition When(string step, int @case, string variable, ConditionOp op, params string[] values) =>
        new(variable, op, values, $"{P(step)}/conditions/{@case}/when");

    public static PromptRef Inline(string text, string pointer) => new([new PromptItem(null, null, text, pointer)], pointer);

    public static PromptRef Named(string name, string pointer) => new([new PromptItem(name, null, null, pointer)], pointer);
}
