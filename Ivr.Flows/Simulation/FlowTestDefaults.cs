using Ivr.Flows.Runtime;

namespace Ivr.Flows.Simulation;

/// <summary>The call settings a scenario file gives all its scenarios (each scenario may override them).</summary>
public sealed record FlowTestDefaults
{
    /// <summary>The caller's number.</summary>
    public string? Caller { get; init; }

    /// <summary>The caller's display name.</summary>
    public string? CallerName { get; init; }

    /// <summary>What the caller dialled.</summary>
    public string? Dialled { get; init; }

    /// <summary>The instant of the call (business hours are checked against it); null = now.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The locale the call starts in; null = the flow's default.</summary>
    public string? Language { get; init; }

    /// <summary>Fire timers until the run ends once the inputs are used up.</summary>
    public bool? Drain { get; init; }

    /// <summary>The caller's contact history (<c>caller.contactsLast24h</c>…); null: a first-time caller.</summary>
    public CallerContacts? History { get; init; }

    /// <summary>Stubbed answers of <c>http</c> steps by step name (a scenario's stubs add to and override the defaults').</summary>
    public IReadOnlyDictionary<string, HttpStub>? Http { get; init; }
}
