namespace Ivr.Flows.Simulation;

/// <summary>A scenario file (<c>flows/&lt;name&gt;.tests.json</c>): the flow it tests, call defaults and scenarios.</summary>
public sealed record FlowTestSuite
{
    /// <summary>The scenario file's path.</summary>
    public required string File { get; init; }

    /// <summary>The flow file, relative to the scenario file's folder.</summary>
    public required string Flow { get; init; }

    /// <summary>Call settings shared by every scenario.</summary>
    public FlowTestDefaults Defaults { get; init; } = new();

    /// <summary>The scenarios, in file order.</summary>
    public required IReadOnlyList<FlowTestScenario> Scenarios { get; init; }

    /// <summary>The flow file's full path.</summary>
    public string FlowPath => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(File)) ?? ".", Flow));
}
