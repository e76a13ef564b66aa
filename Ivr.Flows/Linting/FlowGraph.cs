using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting;

/// <summary>
/// The step graph of a flow as the graph rules see it: edges to known steps, reachability from <c>start</c>,
/// strongly connected components and which steps can still end the call.
/// </summary>
internal sealed class FlowGraph
{
    private readonly List<int>[] _successors;

    private FlowGraph(IReadOnlyList<string> names, IReadOnlyList<Step> steps, List<int>[] successors, bool[] hasUnknownTarget, int start)
    {
        Names = names;
        Steps = steps;
        _successors = successors;
        Start = start;
        Reachable = ComputeReachable(successors, start);
        Components = StronglyConnected(successors);
        ComponentOf = new int[steps.Count];
        for (var c = 0; c < Components.Count; c++)
            foreach (var s in Components[c]) ComponentOf[s] = c;
        CanEnd = ComputeCanEnd(steps, successors, hasUnknownTarget);
    }

    /// <summary>Step names (their keys in <c>steps</c>) in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Steps in file order; graph indices refer to this list.</summary>
    public IReadOnlyList<Step> Steps { get; }

    /// <summary>Index of the start step, or -1 when <c>start</c> names no step.</summary>
    public int Start { get; }

    /// <summary>Steps reachable from the start step (all false when the start is unknown).</summary>
    public bool[] Reachable { get; }

    /// <summary>Strongly connected components, each sorted by file order.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Components { get; }

    /// <summary>Component index of each step.</summary>
    public int[] ComponentOf { get; }

    /// <summary>Steps from which some path reaches a step that ends the call (see <see cref="Ends"/>).</summary>
    public bool[] CanEnd { get; }

    /// <summary>Known successors of a step (duplicates removed).</summary>
    public IReadOnlyList<int> Successors(int step) => _successors[step];

    /// <summary>Pointer of a step (falls back to <c>/steps/name</c>).</summary>
    public string PointerOf(int step) => LintContext.PointerOf(Names[step], Steps[step]);

    /// <summary>True when the component has a cycle: more than one step, or a step linking to itself.</summary>
    public bool IsCyclic(int component)
    {
        var members = Components[component];
        return members.Count > 1 || _successors[members[0]].Contains(members[0]);
    }

    /// <summary>True when some edge leaves the component.</summary>
    public bool HasExit(int component) =>
        Components[component].Any(s => _successors[s].Any(t => ComponentOf[t] != component));

    /// <summary>
    /// Steps that end the call or the subflow: terminal steps, and <c>queue</c> and <c>transfer</c>, since a call that
    /// reaches an agent or the transfer target ends there (their failure outcomes are ordinary edges).
    /// </summary>
    public static bool Ends(Step step) => step.IsTerminal || step is QueueStep or TransferStep;

    /// <summary>Builds the graph of a flow; links to unknown steps are left out (another rule reports them).</summary>
    public static FlowGraph Build(FlowDocument flow)
    {
        var names = new List<string>();
        var steps = new List<Step>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, step) in flow.Steps ?? new Dictionary<string, Step>())
        {
            if (step is null || name is null) continue;
            index[name] = steps.Count;
            steps.Add(step);
            names.Add(name);
        }
        var successors = new List<int>[steps.Count];
        var unknown = new bool[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            successors[i] = [];
            foreach (var link in LintContext.SafeLinks(steps[i]))
            {
                if (link.Target is not null && index.TryGetValue(link.Target, out var t))
                {
                    if (!successors[i].Contains(t)) successors[i].Add(t);
                }
                else
                {
                    unknown[i] = true;
                }
            }
        }
        var start = flow.Start is not null && index.TryGetValue(flow.Start, out var s) ? s : -1;
        return new FlowGraph(names, steps, successors, unknown, start);
    }

    private static bool[] ComputeReachable(List<int>[] successors, int start)
    {
        var seen = new bool[successors.Length];
        if (start < 0) return seen;
        var queue = new Queue<int>();
        seen[start] = true;
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            foreach (var t in successors[queue.Dequeue()])
            {
                if (seen[t]) continue;
                seen[t] = true;
                queue.Enqueue(t);
            }
        }
        return seen;
    }

    // A step with a link to an unknown step counts as able to end: the broken link is reported once, not again as a dead end.
    private static bool[] ComputeCanEnd(IReadOnlyList<Step> steps, List<int>[] successors, bool[] hasUnknownTarget)
    {
        var predecessors = new List<int>[steps.Count];
        for (var i = 0; i < steps.Count; i++) predecessors[i] = [];
        for (var i = 0; i < steps.Count; i++)
            foreach (var t in successors[i]) predecessors[t].Add(i);
        var can = new bool[steps.Count];
        var queue = new Queue<int>();
        for (var i = 0; i < steps.Count; i++)
        {
            if (!Ends(steps[i]) && !hasUnknownTarget[i]) continue;
            can[i] = true;
            queue.Enqueue(i);
        }
        while (queue.Count > 0)
        {
            foreach (var p in predecessors[queue.Dequeue()])
            {
                if (can[p]) continue;
                can[p] = true;
                queue.Enqueue(p);
            }
        }
        return can;
    }

    // Tarjan's algorithm, iterative so that a flow with thousands of chained steps cannot overflow the stack.
    private static List<IReadOnlyList<int>> StronglyConnected(List<int>[] successors)
    {
        var n = successors.Length;
        var order = new int[n];
        var low = new int[n];
        var onStack = new bool[n];
        Array.Fill(order, -1);
        var stack = new Stack<int>();
        var result = new List<IReadOnlyList<int>>();
        var counter = 0;
        var work = new Stack<(int Node, int Next)>();
        for (var root = 0; root < n; root++)
        {
            if (order[root] >= 0) continue;
            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (v, next) = work.Pop();
                if (next == 0)
                {
                    order[v] = low[v] = counter++;
                    stack.Push(v);
                    onStack[v] = true;
                }
                else
                {
                    var child = successors[v][next - 1];
                    low[v] = Math.Min(low[v], low[child]);
                }
                var descended = false;
                for (var i = next; i < successors[v].Count; i++)
                {
                    var w = successors[v][i];
                    if (order[w] < 0)
                    {
                        work.Push((v, i + 1));
                        work.Push((w, 0));
                        descended = true;
                        break;
                    }
                    if (onStack[w]) low[v] = Math.Min(low[v], order[w]);
                }
                if (descended || low[v] != order[v]) continue;
                var component = new List<int>();
                int x;
                do
                {
                    x = stack.Pop();
                    onStack[x] = false;
                    component.Add(x);
                } while (x != v);
                component.Sort();
                result.Add(component);
            }
        }
        return result;
    }
}
