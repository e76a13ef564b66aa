using Ivr.Engine.Flows;

namespace Ivr.Engine.Ops;

/// <summary>The versions of each flow that went live while this engine ran (from the catalog at start and every reload).</summary>
public sealed class FlowVersionLog
{
    private const int PerFlow = 20;

    private readonly LiveFlows _flows;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<FlowVersionEntry>> _versions = new(StringComparer.Ordinal);

    /// <summary>Records the live versions now and after every reload of <paramref name="flows"/>.</summary>
    public FlowVersionLog(LiveFlows flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        _flows = flows;
        Record();
        flows.Reloaded += _ => Record();
    }

    /// <summary>The versions of <paramref name="flowId"/> seen, oldest first (at most 20).</summary>
    public IReadOnlyList<FlowVersionEntry> Versions(string flowId)
    {
        lock (_gate) return _versions.TryGetValue(flowId, out var list) ? list.ToArray() : [];
    }

    private void Record()
    {
        var snapshot = _flows.Catalog.Current;
        lock (_gate)
        {
            foreach (var (id, entry) in snapshot.Flows)
            {
                if (!_versions.TryGetValue(id, out var list)) _versions[id] = list = [];
                if (list.Count > 0 && list[^1].Hash == entry.Hash) continue;
                list.Add(new FlowVersionEntry(entry.Flow.Version, entry.Hash, entry.LoadedAt));
                if (list.Count > PerFlow) list.RemoveAt(0);
            }
        }
    }
}

/// <summary>One version of a flow that went live.</summary>
/// <param name="Version">The flow's <c>version</c>.</param>
/// <param name="Hash">Hash of the file's content.</param>
/// <param name="LoadedAt">When it went live.</param>
public sealed record FlowVersionEntry(string Version, string Hash, DateTimeOffset LoadedAt);
