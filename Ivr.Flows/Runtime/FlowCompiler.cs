using Ivr.Flows.Model;
using Ivr.Flows.Runtime.Steps;

namespace Ivr.Flows.Runtime;

/// <summary>Turns a <see cref="FlowDocument"/> into an immutable <see cref="CompiledFlow"/> shared by every call on it.</summary>
public static class FlowCompiler
{
    /// <summary>Compiles a flow. <paramref name="resolveSubflow"/> finds the compiled flow of a <c>subflow</c> step's id; it is
    /// asked lazily, the first time a call enters that step, so flows may call each other.</summary>
    /// <exception cref="FlowCompileException">The flow cannot run (unknown start, target, prompt, calendar, step kind, bad regex).</exception>
    public static CompiledFlow Compile(FlowDocument doc, Func<string, CompiledFlow?>? resolveSubflow = null)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var languages = doc.Languages.Contains(doc.Language) ? doc.Languages.ToArray() : [doc.Language, .. doc.Languages];
        var ctx = new FlowCompileContext(doc, languages, resolveSubflow);

        var steps = new List<CompiledStep>();
        var byName = new Dictionary<string, CompiledStep>(StringComparer.Ordinal);
        foreach (var (name, step) in doc.Steps)
        {
            var behavior = StepBehaviors.Find(step.Kind);
            if (behavior is null)
            {
                ctx.Error($"unknown step kind '{step.Kind}'", step.Pointer);
                continue;
            }
            var compiled = new CompiledStep(step, steps.Count, behavior);
            steps.Add(compiled);
            byName[name] = compiled;
        }

        if (!byName.TryGetValue(doc.Start, out var start)) ctx.Error($"unknown start step '{doc.Start}'", "/start");

        foreach (var step in steps)
        {
            var edges = new List<FlowTrigger>();
            foreach (var link in step.Step.Links())
            {
                if (byName.TryGetValue(link.Target, out var target)) edges.Add(new FlowTrigger(step, edges.Count, link.Label, target));
                else ctx.Error($"step '{step.Name}' goes to unknown step '{link.Target}'", link.Pointer);
            }
            step.SetEdges([.. edges]);
            step.Plan = step.Behavior.Compile(step.Step, ctx);
        }

        if (ctx.Errors.Count > 0 || start is null) throw new FlowCompileException(doc.Id, ctx.Errors);
        ctx.Variables.Freeze();
        return new CompiledFlow(doc, [.. steps], start, languages, ctx.Variables);
    }
}
