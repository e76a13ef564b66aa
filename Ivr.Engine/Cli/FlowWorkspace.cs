using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Loading;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Cli;

/// <summary>
/// Finds what a flow file refers to outside itself: the <c>sounds/</c> folder (nearest ancestor folder that has one)
/// and the other flows of its folder (for <c>subflow</c> steps).
/// </summary>
public sealed class FlowWorkspace
{
    private readonly Dictionary<string, string> _flowFilesById;
    private readonly HashSet<string> _subflowIds;
    private readonly Dictionary<string, CompiledFlow?> _compiled = new(StringComparer.Ordinal);

    private FlowWorkspace(string folder, string? soundsRoot, Dictionary<string, string> flowFilesById, HashSet<string> subflowIds)
    {
        Folder = folder;
        SoundsRoot = soundsRoot;
        _flowFilesById = flowFilesById;
        _subflowIds = subflowIds;
    }

    /// <summary>The folder holding the flow.</summary>
    public string Folder { get; }

    /// <summary>The <c>sounds/</c> folder prompts are relative to, or null when none was found.</summary>
    public string? SoundsRoot { get; }

    /// <summary>Ids of the flows in the folder, mapped to their files.</summary>
    public IReadOnlyDictionary<string, string> FlowFiles => _flowFilesById;

    /// <summary>Builds the workspace of <paramref name="flowFile"/>; <paramref name="soundsRoot"/> overrides the search.</summary>
    public static FlowWorkspace For(string flowFile, string? soundsRoot = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(flowFile)) ?? Directory.GetCurrentDirectory();
        soundsRoot ??= FindSounds(folder);
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        var subflows = new HashSet<string>(StringComparer.Ordinal);
        // A path that is not a file (missing, a folder) gets an empty workspace: loading it reports the problem.
        var files = File.Exists(flowFile) && Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var file in files)
        {
            if (file.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase)) continue;
            if (new FileInfo(file).Length > FlowLoader.MaxFileBytes) continue;
            var loaded = FlowLoader.LoadFile(file);
            if (loaded.Document is not { } doc) continue;
            byId.TryAdd(doc.Id, file);
            foreach (var step in doc.Steps.Values)
            {
                if (step is Ivr.Flows.Model.Steps.SubflowStep s) subflows.Add(s.Flow);
            }
        }
        return new FlowWorkspace(folder, soundsRoot, byId, subflows);
    }

    /// <summary>Lint options for a flow with the given id in this workspace.</summary>
    public LintOptions LintOptionsFor(string? flowId) => new()
    {
        SoundsRoot = SoundsRoot,
        FlowExists = _flowFilesById.ContainsKey,
        IsSubflow = flowId is not null && _subflowIds.Contains(flowId),
    };

    /// <summary>Loads, lints and compiles <paramref name="flowFile"/> (a file of this workspace); never throws.
    /// Subflows are compiled on demand from this workspace's folder.</summary>
    public FlowBuild Build(string flowFile)
    {
        var loaded = FlowLoader.LoadFile(flowFile);
        if (loaded.Document is not { } doc) return new FlowBuild(null, loaded.Diagnostics, Resolve);
        IReadOnlyList<Diagnostic> diagnostics = [.. loaded.Diagnostics, .. FlowLinter.Lint(doc, LintOptionsFor(doc.Id))];
        if (diagnostics.Any(d => d.Severity == Severity.Error)) return new FlowBuild(null, diagnostics, Resolve);
        try
        {
            return new FlowBuild(FlowCompiler.Compile(doc, Resolve), diagnostics, Resolve);
        }
        catch (FlowCompileException ex)
        {
            var error = new Diagnostic(DiagnosticCodes.SchemaViolation, Severity.Error, flowFile, 0, 0, "", ex.Message);
            return new FlowBuild(null, [.. diagnostics, error], Resolve);
        }
    }

    /// <summary>The compiled flow of <paramref name="flowId"/> from this workspace's folder, or null when it is missing or invalid.</summary>
    public CompiledFlow? Resolve(string flowId)
    {
        if (_compiled.TryGetValue(flowId, out var done)) return done;
        _compiled[flowId] = null;
        if (!_flowFilesById.TryGetValue(flowId, out var file)) return null;
        var loaded = FlowLoader.LoadFile(file);
        if (loaded.Document is not { } doc) return null;
        if (FlowLinter.Lint(doc, LintOptionsFor(doc.Id)).Any(d => d.Severity == Severity.Error)) return null;
        try
        {
            return _compiled[flowId] = FlowCompiler.Compile(doc, Resolve);
        }
        catch (FlowCompileException)
        {
            return null;
        }
    }

    private static string? FindSounds(string folder)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "sounds");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
