using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

using Ivr.Flows.Json;

namespace Ivr.Flows.Linting;

/// <summary>What every rule sees: the flow, the options, the step graph and a way to turn pointers into diagnostics.</summary>
internal sealed class LintContext
{
    private FlowGraph? _graph;

    /// <summary>A context for linting <paramref name="flow"/> with <paramref name="options"/>.</summary>
    public LintContext(FlowDocument flow, LintOptions options)
    {
        Flow = flow;
        Options = options;
        var steps = new List<KeyValuePair<string, Step>>();
        foreach (var pair in flow.Steps ?? new Dictionary<string, Step>())
            if (pair.Key is not null && pair.Value is not null) steps.Add(pair);
        Steps = steps;
        Languages = flow.Languages?.Where(l => l is not null).ToArray() ?? [];
    }

    /// <summary>The flow being linted.</summary>
    public FlowDocument Flow { get; }

    /// <summary>What the linter may look at beyond the document.</summary>
    public LintOptions Options { get; }

    /// <summary>Steps by name in file order, nulls left out.</summary>
    public IReadOnlyList<KeyValuePair<string, Step>> Steps { get; }

    /// <summary>Locales the flow supports (without nulls).</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>The step graph, built on first use.</summary>
    public FlowGraph Graph => _graph ??= FlowGraph.Build(Flow);

    /// <summary>A diagnostic located at <paramref name="pointer"/> in the flow's file.</summary>
    public Diagnostic Report(string code, Severity severity, string? pointer, string message, string? hint = null)
    {
        pointer ??= string.Empty;
        var (line, column) = Flow.Source?.PositionOf(pointer) ?? (0, 0);
        return new Diagnostic(code, severity, Flow.Source?.File ?? string.Empty, line, column, pointer, message, hint);
    }

    /// <summary>A step's links, or none when the step is malformed (built in code with missing parts).</summary>
    public static IReadOnlyList<StepLink> SafeLinks(Step step)
    {
        try
        {
            return step.Links().Where(l => l is not null).ToList();
        }
        catch (NullReferenceException)
        {
            return [];
        }
    }

    /// <summary>Every prompt reference played anywhere in the flow, with the step that plays it.</summary>
    public IEnumerable<(Step Step, PromptRef Ref)> PromptRefs()
    {
        foreach (var (_, step) in Steps)
        {
            List<PromptRef> refs;
            try
            {
                refs = step.PromptRefs().Where(r => r is not null).ToList();
            }
            catch (NullReferenceException)
            {
                continue;
            }
            foreach (var r in refs) yield return (step, r);
        }
    }

    /// <summary>Every prompt item played anywhere, with the pointer of the item (its reference's when it has none).</summary>
    public IEnumerable<(Step Step, PromptItem Item, string Pointer)> PromptItems()
    {
        foreach (var (step, r) in PromptRefs())
        {
            if (r.Items is null) continue;
            foreach (var item in r.Items)
            {
                if (item is null) continue;
                var pointer = !string.IsNullOrEmpty(item.Pointer) ? item.Pointer
                    : !string.IsNullOrEmpty(r.Pointer) ? r.Pointer
                    : step.Pointer ?? string.Empty;
                yield return (step, item, pointer);
            }
        }
    }

    /// <summary>Pointer of a step, falling back to <c>/steps/name</c> when the step has none.</summary>
    public static string PointerOf(string name, Step step) =>
        string.IsNullOrEmpty(step.Pointer) ? JsonPointer.Append("/steps", name) : step.Pointer;
}
