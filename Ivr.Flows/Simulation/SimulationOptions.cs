namespace Ivr.Flows.Simulation;

/// <summary>The call a simulation plays: who calls, what was dialled, when, and how the simulation ends.</summary>
public sealed record SimulationOptions
{
    /// <summary>Most events a simulation feeds the run (prompt ends and timers included) before it stops.</summary>
    public const int DefaultMaxEvents = 10_000;

    /// <summary>The caller's number (<c>caller.number</c>).</summary>
    public string CallerNumber { get; init; } = "+15550100";

    /// <summary>The caller's display name (<c>caller.name</c>).</summary>
    public string? CallerName { get; init; }

    /// <summary>The caller's contact history (the <c>caller.contactsLast24h</c>… variables); null: a first-time caller.</summary>
    public Runtime.CallerContacts? History { get; init; }

    /// <summary>What the caller dialled (<c>call.dialled</c>).</summary>
    public string? Dialled { get; init; }

    /// <summary>The clock calendars read; a <see cref="ManualTimeProvider"/> is advanced by each timer the simulation fires.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The locale to start in, or null for the flow's default.</summary>
    public string? Language { get; init; }

    /// <summary>When the script is used up while the run waits for the caller: fire the timers (and book callbacks, accept
    /// transfers) until the run ends, instead of stopping with <c>waiting:&lt;step&gt;</c>.</summary>
    public bool Drain { get; init; }

    /// <summary>Bound on the events fed to the run.</summary>
    public int MaxEvents { get; init; } = DefaultMaxEvents;

    /// <summary>
    /// What each <c>http</c> step's service answers, by step name (<c>flow/step</c> for a step of a subflow, or the bare name);
    /// a step without a stub takes <c>onError</c> with <c>http.error</c> = <c>no-stub</c>.
    /// </summary>
    public IReadOnlyDictionary<string, HttpStub> HttpStubs { get; init; } = new Dictionary<string, HttpStub>();
}
