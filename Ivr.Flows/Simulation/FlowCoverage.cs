using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;

namespace Ivr.Flows.Simulation;

/// <summary>What a set of simulated calls reached in a flow and its subflows: steps, menu choices, no-input / no-match /
/// exhaustion handlers of menu and digits steps, and branch cases.</summary>
public static class FlowCoverage
{
    /// <summary>Computes coverage of <paramref name="flow"/> (and of the subflows <paramref name="resolve"/> finds) by <paramref name="calls"/>.</summary>
    public static IReadOnlyList<CoverageSection> Compute(CompiledFlow flow, Func<string, CompiledFlow?>? resolve, IEnumerable<SimulationResult> calls)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var list = calls.ToList();
        var visited = list.SelectMany(c => c.Path).ToHashSet();
        var edges = list.SelectMany(c => c.EdgesTaken).Select(e => (e.Flow, e.Step, e.Index)).ToHashSet();
        var handlers = list.SelectMany(c => c.Handlers).ToHashSet();

        var steps = new Tally("steps");
        var choices = new Tally("choices");
        var retries = new Tally("handlers");
        var branches = new Tally("branches");
        foreach (var f in Flows(flow, resolve))
        {
            foreach (var step in f.Steps)
            {
                var name = new StepRef(f.Id, step.Name).Display(flow.Id);
                steps.Add(name, visited.Contains(new StepRef(f.Id, step.Name)));
                switch (step.Step)
                {
                    case MenuStep menu:
                        for (var i = 0; i < menu.Choices.Count; i++) choices.Add($"{name} {menu.Choices[i].Label}", edges.Contains((f.Id, step.Name, i)));
                        Handlers(retries, handlers, f.Id, step.Name, name);
                        retries.Add($"{name} onExhausted", edges.Contains((f.Id, step.Name, menu.Choices.Count)));
                        break;
                    case DigitsStep:
                        Handlers(retries, handlers, f.Id, step.Name, name);
                        retries.Add($"{name} onExhausted", edges.Contains((f.Id, step.Name, 1)));
                        break;
                    case BranchStep:
                        foreach (var edge in step.Edges) branches.Add($"{name} {edge.Label}", edges.Contains((f.Id, step.Name, edge.Index)));
                        break;
                }
            }
        }
        return [steps.ToSection(), choices.ToSection(), retries.ToSection(), branches.ToSection()];
    }

    private static void Handlers(Tally tally, HashSet<HandlerRef> reached, string flow, string step, string name)
    {
        tally.Add($"{name} noInput", reached.Contains(new HandlerRef(flow, step, "noInput")));
        tally.Add($"{name} noMatch", reached.Contains(new HandlerRef(flow, step, "noMatch")));
    }

    /// <summary>The flow and, transitively, every subflow it names that <paramref name="resolve"/> finds.</summary>
    private static List<CompiledFlow> Flows(CompiledFlow top, Func<string, CompiledFlow?>? resolve)
    {
        var result = new List<CompiledFlow> { top };
        var seen = new HashSet<string>(StringComparer.Ordinal) { top.Id };
        for (var i = 0; i < result.Count; i++)
        {
            foreach (var sub in result[i].Steps.Select(s => s.Step).OfType<SubflowStep>())
            {
                if (!seen.Add(sub.Flow) || resolve is null) continue;
                CompiledFlow? child;
                try
                {
                    child = resolve(sub.Flow);
                }
                catch (FlowCompileException)
                {
                    child = null;
                }
                if (child is not null) result.Add(child);
            }
        }
        return result;
    }

    private sealed class Tally(string name)
    {
        private readonly List<string> _missed = [];
        private int _covered;
        private int _total;

        public void Add(string item, bool covered)
        {
            _total++;
            if (covered) _covered++;
            else _missed.Add(item);
        }

        public CoverageSection ToSection() => new(name, _covered, _total, _missed);
    }
}
