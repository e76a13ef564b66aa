using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting;
using Ivr.Flows.Loading;

namespace Ivr.Flows;

/// <summary>Loads a flow and, when it loads cleanly, lints it: everything <c>ivr flow lint</c> reports.</summary>
public static class FlowChecker
{
    /// <summary>Checks a flow file on disk.</summary>
    public static FlowCheckResult Check(string path, LintOptions options) => Lint(FlowLoader.LoadFile(path), options);

    /// <summary>Checks flow text; <paramref name="file"/> names it in diagnostics.</summary>
    public static FlowCheckResult CheckText(string json, string file, LintOptions options) => Lint(FlowLoader.LoadText(json, file), options);

    private static FlowCheckResult Lint(FlowLoadResult loaded, LintOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Lint findings on a document that failed to load would only echo the load errors.
        if (loaded.HasErrors || loaded.Document is null) return new FlowCheckResult(null, loaded.Diagnostics);
        var diagnostics = new List<Diagnostic>(loaded.Diagnostics);
        diagnostics.AddRange(FlowLinter.Lint(loaded.Document, options));
        var ordered = diagnostics.OrderByDescending(d => d.Severity).ThenBy(d => d.Line).ThenBy(d => d.Column).ToList();
        return new FlowCheckResult(loaded.Document, ordered);
    }
}
