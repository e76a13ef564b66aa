using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;

namespace Ivr.Flows.Loading;

/// <summary>What loading a flow file produced: the document when it is usable, and every diagnostic found.</summary>
public sealed record FlowLoadResult(FlowDocument? Document, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error; <see cref="Document"/> is then null.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}
