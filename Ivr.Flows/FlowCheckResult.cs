using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;

namespace Ivr.Flows;

/// <summary>What checking a flow produced: the document when it loaded, and every load and lint diagnostic.</summary>
/// <param name="Document">The loaded flow, or null when loading failed.</param>
/// <param name="Diagnostics">Load diagnostics, then (when the flow loaded) lint diagnostics, errors first.</param>
public sealed record FlowCheckResult(FlowDocument? Document, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error: the flow must not be deployed.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}
