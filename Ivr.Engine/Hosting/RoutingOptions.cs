namespace Ivr.Engine.Hosting;

/// <summary>The skill router (<c>Routing</c> section): where agents are defined, how callbacks go out, and the admin token.</summary>
public sealed class RoutingOptions
{
    /// <summary>The agents file (schema <c>agents.schema.json</c>), relative to the current directory or the repository; reloaded when saved.</summary>
    public string AgentsFile { get; set; } = "agents.json";

    /// <summary>Whether the router runs; off, a <c>queue</c> step holds and then fails as it did before the router existed.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The state agents start in when the file is loaded (<c>Ready</c> or <c>Away</c>); agents added later too.</summary>
    public string InitialAgentState { get; set; } = "Ready";

    /// <summary>
    /// Where callbacks are dialled: a SIP URI template in which <c>{number}</c> is replaced by the E.164 number without
    /// its <c>+</c>, e.g. <c>sip:{number}@trunk.example.net</c> (the outbound proxy or trunk).
    /// </summary>
    public string CallbackTrunk { get; set; } = "sip:{number}@127.0.0.1:5090";

    /// <summary>The user part of the From header of calls the engine places (agent legs and callbacks).</summary>
    public string FromUser { get; set; } = "ivr";

    /// <summary>How long a customer's phone rings on a callback attempt.</summary>
    public TimeSpan CallbackRingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Dial attempts per callback.</summary>
    public int CallbackMaxAttempts { get; set; } = 3;

    /// <summary>Wait after the first unanswered callback attempt; doubles each time.</summary>
    public TimeSpan CallbackRetryBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A callback whose customer and agent had been talking this long when the engine died (crash, kill -9) counts as
    /// served after the restart and is not dialled again; a shorter one is dialled again.
    /// </summary>
    public TimeSpan CallbackServedAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Past this time since its original entry, a callback at the head of its line is dialled in strict order even if
    /// live callers wait; null: callbacks are served only from spare agents (<see cref="Routing.CallbackPacer"/>).
    /// </summary>
    public TimeSpan? CallbackMaxDeferral { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Agents kept free for live callers before a callback may take one (null: none, as 0).</summary>
    public int? CallbackReserveAgents { get; set; } = 0;

    /// <summary>How often the router re-evaluates waiting callers for what only time changes (offers past a wait target, re-offers); places are pushed as they change.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sliding window of the wait meters.</summary>
    public TimeSpan MeterWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Bearer token required by the routing HTTP API's write endpoints; empty: none required.</summary>
    public string AdminToken { get; set; } = string.Empty;
}
