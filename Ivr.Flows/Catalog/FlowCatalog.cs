using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Loading;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;

namespace Ivr.Flows.Catalog;

/// <summary>
/// The live set of compiled flows loaded from a folder. A reload compiles every changed file and swaps the whole
/// set in one atomic write; a file with errors is refused and its previous version stays live. Calls hold the
/// <see cref="CompiledFlow"/> they started with, so a swap never changes a running call.
/// </summary>
public sealed class FlowCatalog
{
    private readonly string _folder;
    private readonly string? _soundsRoot;
    private readonly TimeProvider _time;
    private readonly object _reloadLock = new();
    private CatalogSnapshot _snapshot = CatalogSnapshot.Empty;

    /// <summary>A catalog over the <c>*.json</c> flows of <paramref name="folder"/> (files ending <c>.tests.json</c> are scenario files, not flows).</summary>
    public FlowCatalog(string folder, string? soundsRoot, TimeProvider time)
    {
        _folder = Path.GetFullPath(folder);
        _soundsRoot = soundsRoot;
        _time = time;
    }

    /// <summary>The folder watched.</summary>
    public string Folder => _folder;

    /// <summary>The set currently live; read it once and use it (it never changes under you).</summary>
    public CatalogSnapshot Current => Volatile.Read(ref _snapshot);

    /// <summary>The live version of flow <paramref name="id"/>, if loaded.</summary>
    public bool TryGet(string id, out CompiledFlow flow)
    {
        if (Current.Flows.TryGetValue(id, out var entry))
        {
            flow = entry.Flow;
            return true;
        }
        flow = null!;
        return false;
    }

    /// <summary>Re-reads the folder. Valid new or changed flows go live together; invalid ones are refused with their diagnostics.</summary>
    public CatalogReloadReport Reload()
    {
        lock (_reloadLock)
        {
            var old = Current;
            var files = Directory.Exists(_folder)
                ? Directory.EnumerateFiles(_folder, "*.json").Where(f => !f.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList()
                : [];

            // Load every file; unchanged ones (same content hash) keep their compiled flow.
            var loaded = new Dictionary<string, (string File, string Hash, FlowDocument Doc, IReadOnlyList<Diagnostic> Diags)>(StringComparer.Ordinal);
            var refused = new List<CatalogRefusal>();
            var unchanged = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                byte[] bytes;
                try
                {
                    if (new FileInfo(file).Length > FlowLoader.MaxFileBytes)
                    {
                        refused.Add(new CatalogRefusal(file, null, [FlowLoader.LoadFile(file).Diagnostics[0]]));
                        continue;
                    }
                    bytes = File.ReadAllBytes(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The file is being written; the watcher will fire again when it is complete.
                    refused.Add(new CatalogRefusal(file, null, [new Diagnostic(DiagnosticCodes.FileNotFound, Severity.Error, file, 0, 0, "", $"could not read the file: {ex.Message}")]));
                    continue;
                }
                var hash = Convert.ToHexString(SHA256.HashData(bytes));
                var existing = old.Flows.Values.FirstOrDefault(e => e.File == file && e.Hash == hash);
                if (existing is not null)
                {
                    loaded[existing.Flow.Id] = (file, hash, existing.Flow.Document, existing.Diagnostics);
                    unchanged.Add(existing.Flow.Id);
                    continue;
                }
                var result = FlowLoader.LoadBytes(bytes, file);
                if (result.Document is not { } doc)
                {
                    refused.Add(new CatalogRefusal(file, null, result.Diagnostics));
                    continue;
                }
                if (loaded.ContainsKey(doc.Id))
                {
                    refused.Add(new CatalogRefusal(file, doc.Id, [new Diagnostic(DiagnosticCodes.SchemaViolation, Severity.Error, file, doc.Source.PositionOf("/id").Line, doc.Source.PositionOf("/id").Column, "/id", $"flow id '{doc.Id}' is already used by {loaded[doc.Id].File}", "give every flow file its own id")]));
                    continue;
                }
                loaded[doc.Id] = (file, hash, doc, result.Diagnostics);
            }

            // A flow whose subflow changes (or goes) is rebuilt too: a compiled flow binds its subflows for good.
            var removedIds = old.Flows.Keys.Where(k => !loaded.ContainsKey(k)).ToHashSet(StringComparer.Ordinal);
            var changed = loaded.Keys.Where(k => !unchanged.Contains(k)).Concat(removedIds).ToHashSet(StringComparer.Ordinal);
            for (var grew = true; grew;)
            {
                grew = false;
                foreach (var id in unchanged.ToList())
                {
                    if (!loaded[id].Doc.Steps.Values.OfType<SubflowStep>().Any(st => changed.Contains(st.Flow))) continue;
                    unchanged.Remove(id);
                    changed.Add(id);
                    grew = true;
                }
            }

            // Lint the changed ones against the whole new set (subflow ids, return steps).
            var subflowIds = loaded.Values.SelectMany(l => l.Doc.Steps.Values.OfType<SubflowStep>().Select(st => st.Flow)).ToHashSet(StringComparer.Ordinal);
            var accepted = new Dictionary<string, (string File, string Hash, FlowDocument Doc, IReadOnlyList<Diagnostic> Diags)>(StringComparer.Ordinal);
            foreach (var (id, l) in loaded)
            {
                if (unchanged.Contains(id))
                {
                    accepted[id] = l;
                    continue;
                }
                var options = new LintOptions
                {
                    SoundsRoot = _soundsRoot,
                    FlowExists = loaded.ContainsKey,
                    IsSubflow = subflowIds.Contains(id),
                };
                var diags = FlowLinter.Lint(l.Doc, options);
                if (diags.Any(d => d.Severity == Severity.Error))
                {
                    refused.Add(new CatalogRefusal(l.File, id, diags));
                    continue;
                }
                accepted[id] = (l.File, l.Hash, l.Doc, diags);
            }

            // Compile. Subflows are resolved lazily (the first time a call enters the step) against the snapshot this
            // reload publishes, read-only: calls on a version keep the subflows that went live with it.
            var published = new StrongBox<ImmutableDictionary<string, CatalogEntry>>(ImmutableDictionary<string, CatalogEntry>.Empty);
            CompiledFlow? Resolve(string id) => Volatile.Read(ref published.Value!).TryGetValue(id, out var e) ? e.Flow : null;
            var now = _time.GetUtcNow();
            var next = ImmutableDictionary.CreateBuilder<string, CatalogEntry>(StringComparer.Ordinal);
            foreach (var (id, a) in accepted)
            {
                if (unchanged.Contains(id) && old.Flows.TryGetValue(id, out var same))
                {
                    next[id] = same;
                    continue;
                }
                try
                {
                    next[id] = new CatalogEntry(FlowCompiler.Compile(a.Doc, Resolve), a.File, a.Hash, now, a.Diags);
                }
                catch (FlowCompileException ex)
                {
                    refused.Add(new CatalogRefusal(a.File, id, [new Diagnostic(DiagnosticCodes.SchemaViolation, Severity.Error, a.File, 0, 0, "", $"the flow could not be compiled: {ex.Message}")]));
                }
            }

            // Refused files keep their previous version live; deleted files are unloaded.
            foreach (var r in refused)
            {
                var keep = old.Flows.Values.FirstOrDefault(e => e.File == r.File || e.Flow.Id == r.FlowId);
                if (keep is not null && !next.ContainsKey(keep.Flow.Id)) next[keep.Flow.Id] = keep;
            }
            var snapshot = new CatalogSnapshot(next.ToImmutable(), old.Generation + 1, now);
            Volatile.Write(ref published.Value!, snapshot.Flows);
            Volatile.Write(ref _snapshot, snapshot);

            var added = snapshot.Flows.Keys.Where(k => !old.Flows.ContainsKey(k)).Order().ToList();
            var updated = snapshot.Flows.Where(kv => old.Flows.TryGetValue(kv.Key, out var o) && !ReferenceEquals(o, kv.Value)).Select(kv => kv.Key).Order().ToList();
            var removed = old.Flows.Keys.Where(k => !snapshot.Flows.ContainsKey(k)).Order().ToList();
            return new CatalogReloadReport(added, updated, removed, refused);
        }
    }
}
