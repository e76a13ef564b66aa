namespace Ivr.Tests.Architecture;

/// <summary>The cycles of a graph of folders: its strongly connected components of more than one folder (Tarjan).</summary>
internal static class FolderCycles
{
    /// <summary>Each group of folders that reach one another, its folders in order; a folder alone is no cycle.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Find(IReadOnlyDictionary<string, SortedSet<string>> arrows)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();

        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            onStack.Add(folder);
            foreach (var next in arrows.TryGetValue(folder, out var targets) ? targets : [])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[folder] = Math.Min(low[folder], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[folder] = Math.Min(low[folder], index[next]);
                }
            }
            if (low[folder] != index[folder]) return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != folder);
            if (component.Count > 1) cycles.Add(component.Order(StringComparer.Ordinal).ToList());
        }

        foreach (var folder in arrows.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(folder)) Visit(folder);
        }
        return cycles;
    }
}
