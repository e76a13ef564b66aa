namespace Ivr.Flows.Simulation;

/// <summary>What a simulated call did: its outcome, the steps it went through, every effect as a transcript, and what
/// coverage needs (edges taken, retry handlers reached).</summary>
public sealed record SimulationResult
{
    /// <summary>The top flow's id.</summary>
    public required string FlowId { get; init; }

    /// <summary><c>connected:billing</c>, <c>hangup:message-left</c>… when the run ended; else <c>queued:&lt;skill&gt;</c>,
    /// <c>waiting:&lt;step&gt;</c> or <c>event-limit</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>True when the run itself ended (an <c>EndedEffect</c>).</summary>
    public required bool Ended { get; init; }

    /// <summary>Steps entered, in order.</summary>
    public required IReadOnlyList<StepRef> Path { get; init; }

    /// <summary>Everything that happened, in order.</summary>
    public required IReadOnlyList<TranscriptEntry> Transcript { get; init; }

    /// <summary>Variables of the flow the run was in at the end.</summary>
    public required IReadOnlyDictionary<string, string> Variables { get; init; }

    /// <summary>The call's locale at the end.</summary>
    public required string Language { get; init; }

    /// <summary>Events fed to the run.</summary>
    public required int Events { get; init; }

    /// <summary>Edges the run took.</summary>
    public required IReadOnlySet<EdgeRef> EdgesTaken { get; init; }

    /// <summary>No-input and no-match handlers reached.</summary>
    public required IReadOnlySet<HandlerRef> Handlers { get; init; }

    /// <summary>The path as step names (<c>flow/step</c> inside subflows).</summary>
    public IReadOnlyList<string> PathNames => [.. Path.Select(p => p.Display(FlowId))];

    /// <summary>True when the path went through a step named <paramref name="step"/> (bare, or <c>flow/step</c>).</summary>
    public bool Visited(string step) => Path.Any(p => p.Step == step || p.Display(FlowId) == step || $"{p.Flow}/{p.Step}" == step);
}
