namespace Ivr.Flows.Simulation;

/// <summary>One scripted call of a scenario file: its inputs, call settings (over the file's defaults) and expectations.</summary>
public sealed record FlowTestScenario
{
    /// <summary>The scenario's name, shown in reports.</summary>
    public required string Name { get; init; }

    /// <summary>Input tokens, in order (see <see cref="InputToken"/>).</summary>
    public required IReadOnlyList<InputToken> Input { get; init; }

    /// <summary>Call settings; unset fields come from the file's defaults.</summary>
    public FlowTestDefaults Call { get; init; } = new();

    /// <summary>What the call must do.</summary>
    public required ScenarioExpectation Expect { get; init; }

    /// <summary>JSON pointer of the scenario in its file.</summary>
    public required string Pointer { get; init; }
}
