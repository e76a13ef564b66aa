using Akka.Actor;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.DialPlan;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Engine.Routing.Live;

/// <summary>What a <see cref="SkillRouter"/> starts with.</summary>
/// <param name="Agents">Skills and agents (a validated <c>agents.json</c>).</param>
/// <param name="Status">Where the router publishes its live figures.</param>
public sealed record SkillRouterSettings(AgentsConfig Agents, RouterStatus Status)
{
    /// <summary>The state agents start in.</summary>
    public AgentState InitialState { get; init; } = AgentState.Ready;

    /// <summary>The clock for entry times, waits and the meters.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Sliding window of the wait meters.</summary>
    public TimeSpan MeterWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Mean handle time assumed until one is measured.</summary>
    public TimeSpan PriorHandleTime { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How callbacks at the head share agents with live callers.</summary>
    public CallbackPacer Pacer { get; init; } = new(0, TimeSpan.FromMinutes(30));

    /// <summary>Opens the durable stores; null: callbacks and messages are refused.</summary>
    public RoutingStores? Stores { get; init; }

    /// <summary>Who places callbacks (<c>Calls.CallbackCalls</c> in the engine, a probe in tests); null: callbacks stay pending.</summary>
    public IActorRef? Dialer { get; init; }

    /// <summary>
    /// The contact an agent's softphone registered with the engine (the registrar), or null when it has none; a
    /// registered contact is where the agent is now, so it wins over the agents file's <c>contact</c>.
    /// </summary>
    public Func<string, string?>? RegisteredContact { get; init; }

    /// <summary>
    /// How often the router re-evaluates every waiting caller for what time alone changes: a wait past the offer target,
    /// a re-offer, an estimate that grows with the head's wait. Callers are told only what changed.
    /// </summary>
    public TimeSpan PlaceEvaluationInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The fewest time between two place updates to one caller (unless it reached the head or is made an offer), and
    /// between two walks of one line.
    /// </summary>
    public TimeSpan PlaceUpdateMinInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Set when the router runs as the cluster's sharded entity: where each node's router peer lives, so the router can
    /// tell every member it (re)started and send them its status. Null: a single node's local actor.
    /// </summary>
    public RouterClusterSettings? Cluster { get; init; }

    /// <summary>Loggers.</summary>
    public ILoggerFactory Logging { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The dial plan for <see cref="Agents"/>.</summary>
    public CallbackDialPlan DialPlan => new((Agents.DialPlan ?? new DialPlanConfig()).ToOptions());
}

/// <summary>How the router runs as the cluster's sharded entity.</summary>
/// <param name="PeerPath">The path of each node's router peer under its address (e.g. <c>/user/router-peer</c>).</param>
public sealed record RouterClusterSettings(string PeerPath)
{
    /// <summary>How often, at most, the router sends its status to every node.</summary>
    public TimeSpan SnapshotInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// After it starts, the router decides nothing for this long while the nodes re-announce their callers, so a caller
    /// re-announced from a slower node is back in its place before anyone behind it is served.
    /// </summary>
    public TimeSpan RebuildWindow { get; init; } = TimeSpan.FromSeconds(2);
}
