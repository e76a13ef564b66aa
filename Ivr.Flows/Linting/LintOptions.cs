namespace Ivr.Flows.Linting;

/// <summary>What the linter may look at beyond the flow document itself.</summary>
public sealed record LintOptions
{
    /// <summary>Folder that <c>sound</c> paths are relative to (the repository's <c>sounds/</c>); null skips file checks.</summary>
    public string? SoundsRoot { get; init; }

    /// <summary>Answers whether a flow id exists (for <c>subflow</c>); null skips the check.</summary>
    public Func<string, bool>? FlowExists { get; init; }

    /// <summary>True when the flow is used as a subflow (so <c>return</c> steps are legal).</summary>
    public bool IsSubflow { get; init; }
}
