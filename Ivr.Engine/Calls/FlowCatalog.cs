using System.Collections.Frozen;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Loading;
using Ivr.Flows.Model;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// Flows loaded from a folder (every <c>*.json</c> except <c>*.tests.json</c>) and compiled once; subflows resolve through the
/// catalog. <see cref="Reload"/> swaps the whole set atomically: calls in progress keep the version they started with.
/// </summary>
public sealed class FlowCatalog : IFlowCatalog
{
    private readonly ILogger _log;
    private FrozenDictionary<string, CompiledFlow> _flows = FrozenDictionary<string, CompiledFlow>.Empty;

    private FlowCatalog(ILogger log) => _log = log;

    /// <summary>Ids of the flows loaded.</summary>
    public IReadOnlyCollection<string> Ids => Volatile.Read(ref _flows).Keys;

    /// <summary>Loads and compiles the flows of <paramref name="folder"/>; flows with errors are logged and left out.</summary>
    public static FlowCatalog LoadFolder(string folder, ILogger<FlowCatalog> log)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(log);
        var catalog = new FlowCatalog(log);
        catalog.Reload(folder);
        return catalog;
    }

    /// <summary>A catalog of documents already loaded (tests, tools).</summary>
    public static FlowCatalog FromDocuments(IEnumerable<FlowDocument> documents, ILogger<FlowCatalog> log)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(log);
        var catalog = new FlowCatalog(log);
        catalog.Replace(documents);
        return catalog;
    }

    /// <inheritdoc />
    public CompiledFlow? Find(string id) => Volatile.Read(ref _flows).GetValueOrDefault(id);

    /// <summary>Reloads every flow of <paramref name="folder"/> and swaps them in.</summary>
    public void Reload(string folder)
    {
        var documents = new List<FlowDocument>();
        if (!Directory.Exists(folder))
        {
            _log.LogWarning("Flow folder {Folder} does not exist; no flows loaded", folder);
        }
        else
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                if (file.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase)) continue;
                var loaded = FlowLoader.LoadFile(file);
                if (loaded.HasErrors || loaded.Document is null)
                {
                    var first = loaded.Diagnostics.FirstOrDefault(d => d.Severity == Severity.Error);
                    _log.LogError("Flow {File} not loaded: {Error}", file, first?.ToString() ?? "no document");
                    continue;
                }
                documents.Add(loaded.Document);
            }
        }
        Replace(documents);
    }

    private void Replace(IEnumerable<FlowDocument> documents)
    {
        var compiled = new Dictionary<string, CompiledFlow>(StringComparer.Ordinal);
        FrozenDictionary<string, CompiledFlow>? next = null;
        // Subflows are resolved lazily, on first entry, from the set this reload produced.
        CompiledFlow? Resolve(string id) => next?.GetValueOrDefault(id);
        foreach (var doc in documents)
        {
            if (compiled.ContainsKey(doc.Id))
            {
                _log.LogError("Flow id {FlowId} is defined twice; the first is kept", doc.Id);
                continue;
            }
            try
            {
                compiled[doc.Id] = FlowCompiler.Compile(doc, Resolve);
                _log.LogInformation("Flow {FlowId}@{Version} loaded", doc.Id, doc.Version);
            }
            catch (FlowCompileException ex)
            {
                _log.LogError("Flow {FlowId} not loaded: {Error}", doc.Id, ex.Message);
            }
        }
        next = compiled.ToFrozenDictionary(StringComparer.Ordinal);
        Volatile.Write(ref _flows, next);
    }
}
