using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Json;

/// <summary>What parsing produced: the tree (null when the text is not usable JSON) and the problems found.</summary>
public sealed record PositionedJsonResult(PositionedNode? Root, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}
