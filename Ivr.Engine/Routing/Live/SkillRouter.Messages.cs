using Akka.Actor;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Engine.Routing.Messages;

namespace Ivr.Engine.Routing.Live;

/// <summary>Puts the sender (a call actor) in <paramref name="Skill"/>'s line; the router answers <see cref="CallerQueued"/> and pushes later changes to the sender.</summary>
/// <param name="CallId">The call's id, the caller's id in the line.</param>
/// <param name="Skill">The skill.</param>
/// <param name="Priority">The flow's priority, 0 (lowest) to 9 (highest).</param>
/// <param name="Offer">The queue step's offer triggers; null: the skill's from <c>agents.json</c>.</param>
/// <param name="EnteredAt">
/// Set when the call re-announces its place to a new router incarnation (the shard moved): the time it first joined the
/// line, so it is put back in its original order and not counted as a second arrival. Null for a first arrival.
/// </param>
/// <param name="RingingAgent">On a re-announce, the agent the call is ringing now (it stays ringing for this call only).</param>
public sealed record EnqueueCaller(string CallId, string Skill, int Priority, OfferPolicyOptions? Offer = null, DateTimeOffset? EnteredAt = null, string? RingingAgent = null)
{
    /// <summary>True when the call re-announces a place it already held with an earlier router incarnation.</summary>
    public bool IsRejoin => EnteredAt is not null;

    /// <summary>
    /// The agent to offer the caller to first (the queue step's <c>preferLastAgent</c>), or null; its wait counts from the
    /// caller's first entry into the line, so a re-announce carries the same preference and the rebuilt line keeps it.
    /// </summary>
    public AgentPreference? Prefer { get; init; }
}

/// <summary>
/// The caller holds a place: 1-based position, expected wait (null when no agent is staffed) and whether to offer now.
/// The router sends it on joining the line, then pushes it whenever the position, the expected wait's announcement range,
/// the staffing or the skill change, or an offer is due (at most one a second unless the caller reaches the head or is
/// made an offer); the call never asks for it.
/// </summary>
/// <param name="Skill">The skill.</param>
/// <param name="Position">1 at the head.</param>
/// <param name="ExpectedWait">The trusted estimate, null when nobody staffs the skill.</param>
/// <param name="StaffedAgents">Agents logged in with the skill.</param>
/// <param name="Offer">The offer policy's decision.</param>
public sealed record CallerQueued(string Skill, int Position, TimeSpan? ExpectedWait, int StaffedAgents, OfferDecision Offer);

/// <summary>Moves a waiting caller to another skill's line, keeping its original entry time (overflow).</summary>
/// <param name="CallId">The call.</param>
/// <param name="Skill">The new skill.</param>
public sealed record MoveCaller(string CallId, string Skill);

/// <summary>Why a caller left the line without an agent.</summary>
public enum QueueExit
{
    /// <summary>Hung up while waiting: an abandonment, measured with its wait.</summary>
    Abandoned,

    /// <summary>Took the callback offer.</summary>
    Callback,

    /// <summary>Chose to leave a message.</summary>
    Message,

    /// <summary>The step's maxWait ran out.</summary>
    TimedOut,
}

/// <summary>The caller leaves its line (or the agent being rung for it is released).</summary>
/// <param name="CallId">The call.</param>
/// <param name="Exit">Why.</param>
public sealed record LeaveQueue(string CallId, QueueExit Exit);

/// <summary>The router chose an agent for the call: the call actor rings <paramref name="Contact"/> and reports back.</summary>
/// <param name="CallId">The call.</param>
/// <param name="AgentId">The agent, reserved for this call.</param>
/// <param name="Contact">The agent's SIP URI.</param>
/// <param name="Skill">The skill the caller waited for.</param>
/// <param name="RingTimeout">No answer in this time: the agent is set away and the caller keeps its place.</param>
public sealed record DeliverCall(string CallId, string AgentId, string Contact, string Skill, TimeSpan RingTimeout);

/// <summary>The agent answered and the two legs are bridged.</summary>
/// <param name="CallId">The call.</param>
/// <param name="AgentId">The agent.</param>
public sealed record AgentAnswered(string CallId, string AgentId);

/// <summary>The agent did not answer (timeout, busy, rejected, unreachable): set away; the caller goes back to its place.</summary>
/// <param name="CallId">The call.</param>
/// <param name="AgentId">The agent.</param>
/// <param name="StatusCode">The final SIP status, 408 for a ring timeout.</param>
public sealed record AgentNotAnswered(string CallId, string AgentId, int StatusCode);

/// <summary>A bridged call ended (either side hung up): the agent goes to wrap-up, then ready.</summary>
/// <param name="CallId">The call.</param>
/// <param name="AgentId">The agent.</param>
public sealed record AgentCallEnded(string CallId, string AgentId);

/// <summary>Sets an agent's state by hand (ready or away; wrap-up ends early with ready); answered with <see cref="AgentStateResult"/>.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="State">The new state.</param>
public sealed record SetAgentState(string AgentId, AgentState State);

/// <summary>The outcome of <see cref="SetAgentState"/>.</summary>
/// <param name="Agent">The agent after the change, null if unknown.</param>
/// <param name="Error">Why the change was refused, null when done.</param>
public sealed record AgentStateResult(AgentView? Agent, string? Error);

/// <summary>Asks for every agent; answered with <see cref="AgentsResult"/>.</summary>
public sealed record GetAgents
{
    /// <summary>The shared instance.</summary>
    public static GetAgents Instance { get; } = new();
}

/// <summary>Every agent, in file order.</summary>
/// <param name="Agents">The agents.</param>
public sealed record AgentsResult(IReadOnlyList<AgentView> Agents);

/// <summary>An agent as the API shows it.</summary>
/// <param name="Id">Agent id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Contact">SIP URI the engine calls.</param>
/// <param name="Skills">Skills and levels.</param>
/// <param name="State">State now.</param>
/// <param name="ActiveCalls">Calls held (reserved, ringing or talking).</param>
/// <param name="IdleSince">Since when the agent has been ready (longest-idle routing key).</param>
public sealed record AgentView(string Id, string? Name, string Contact, IReadOnlyList<AgentSkill> Skills, AgentState State, int ActiveCalls, DateTimeOffset IdleSince);

/// <summary>Replaces the agents and skills with a validated configuration; answered with <see cref="AgentsReplaced"/>.</summary>
/// <param name="Config">The new configuration.</param>
public sealed record ReplaceAgents(AgentsConfig Config);

/// <summary>What a configuration change did.</summary>
/// <param name="Added">Agents added.</param>
/// <param name="Removed">Agents removed (an agent on a call leaves when the call ends).</param>
/// <param name="Updated">Agents whose definition changed.</param>
public sealed record AgentsReplaced(int Added, int Removed, int Updated);

/// <summary>Books a callback for a caller (dial plan, then durable write); answered with <see cref="CallbackBookingResult"/> after the write.</summary>
/// <param name="CallId">The booking call (the idempotency key).</param>
/// <param name="Skill">The skill whose line keeps the virtual place.</param>
/// <param name="Number">The number to call back, as typed or the caller ID.</param>
/// <param name="CallerNumber">The caller ID.</param>
/// <param name="EnteredQueueAt">When the caller first joined the line: the virtual place keeps it.</param>
/// <param name="Language">The caller's language in the flow: the callback greets them in it.</param>
public sealed record BookCallback(string CallId, string Skill, string Number, string? CallerNumber, DateTimeOffset EnteredQueueAt, string? Language = null);

/// <summary>The booking's outcome; sent only once the callback is durable (or refused).</summary>
/// <param name="Booked">Whether the callback is stored.</param>
/// <param name="Number">The normalised number, when it could be parsed.</param>
/// <param name="Message">A sentence for the caller (refusal reason or confirmation).</param>
/// <param name="CallbackId">The stored callback's id.</param>
/// <param name="Refusal">Why the dial plan refused the number (<see cref="DialPlanRefusal.None"/> when booked or the store failed).</param>
/// <param name="StoreFailed">
/// The callback store failed (e.g. the database is down): nothing is wrong with the number, the booking could not be kept.
/// False for a dial-plan refusal and for a router with no callback store.
/// </param>
public sealed record CallbackBookingResult(
    bool Booked, string? Number, string Message, long? CallbackId, DialPlanRefusal Refusal = DialPlanRefusal.None, bool StoreFailed = false);

/// <summary>Stores a recorded message's metadata; answered with <see cref="MessageSaved"/> once durable.</summary>
/// <param name="Message">The message.</param>
public sealed record SaveMessage(MessageRecord Message);

/// <summary>The message's metadata is durable (or could not be stored).</summary>
/// <param name="Saved">Whether it was stored.</param>
/// <param name="Error">Why not.</param>
public sealed record MessageSaved(bool Saved, string? Error);

/// <summary>Router → callback dialer: call the customer, then the reserved agent, and bridge them.</summary>
/// <param name="Callback">The leased callback (state Dialling).</param>
/// <param name="AgentId">The reserved agent.</param>
/// <param name="AgentContact">The agent's SIP URI.</param>
/// <param name="AgentRingTimeout">How long the agent's phone rings.</param>
public sealed record DialCallback(CallbackRecord Callback, string AgentId, string AgentContact, TimeSpan AgentRingTimeout);

/// <summary>Callback dialer → router: the customer and the agent are bridged.</summary>
/// <param name="CallbackId">The callback.</param>
/// <param name="AgentId">The agent.</param>
public sealed record CallbackBridged(long CallbackId, string AgentId);

/// <summary>Callback dialer → router: the attempt is over.</summary>
/// <param name="CallbackId">The callback.</param>
/// <param name="AgentId">The agent that was reserved.</param>
/// <param name="Result">The attempt's result for the store.</param>
/// <param name="AgentMissed">The customer answered but the agent did not: the agent is set away.</param>
public sealed record CallbackDialFinished(long CallbackId, string AgentId, CallbackAttemptResult Result, bool AgentMissed);

/// <summary>
/// The node drains: start no new callback (live callers are still served). Callbacks stay pending in the store for the
/// next start; one leased but not yet dialled is left to that start's recovery.
/// </summary>
public sealed record StopDiallingCallbacks
{
    /// <summary>The single instance.</summary>
    public static readonly StopDiallingCallbacks Instance = new();
}

/// <summary>
/// A call bridged to an agent re-announces it to a new router incarnation: the agent stays talking (and is never offered
/// another caller beyond its capacity); the talk ends with <see cref="AgentCallEnded"/> as usual.
/// </summary>
/// <param name="CallId">The call.</param>
/// <param name="AgentId">The agent it talks to.</param>
/// <param name="Skill">The skill the caller waited for.</param>
/// <param name="Since">When the bridge was made (the handle time is measured from it).</param>
public sealed record AgentTalking(string CallId, string AgentId, string Skill, DateTimeOffset Since);

/// <summary>
/// The callback dialer re-announces a live attempt to a new router incarnation: the reserved agent stays ringing (or talking
/// once <paramref name="BridgedAt"/> is set) and the attempt ends with <see cref="CallbackDialFinished"/> as usual.
/// </summary>
/// <param name="Callback">The leased callback the attempt dials.</param>
/// <param name="AgentId">The reserved agent.</param>
/// <param name="BridgedAt">When the customer and the agent were bridged; null while ringing.</param>
public sealed record CallbackAttemptLive(CallbackRecord Callback, string AgentId, DateTimeOffset? BridgedAt);

/// <summary>A node tells the router where an agent registered with it can be reached (or that it no longer can).</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Node">The node whose registrar holds the registration.</param>
/// <param name="Contact">The registered contact URI; null when the registration lapsed or was removed.</param>
/// <param name="RegisteredAt">When the node saw it (the most recent registration wins across nodes).</param>
public sealed record AgentContactAnnounced(string AgentId, string Node, string? Contact, DateTimeOffset RegisteredAt);

/// <summary>
/// A node's router peer greets the (sharded) router every few seconds with the incarnation it last re-announced to; the
/// router answers <see cref="RouterIncarnation"/> when it is another one. The greeting also starts the entity again on a
/// surviving node after the one hosting it was lost.
/// </summary>
/// <param name="Peer">The node's router peer (<c>/user/router-peer</c>).</param>
/// <param name="Incarnation">The incarnation the node re-announced to, null before the first.</param>
public sealed record RouterPeerHello(IActorRef Peer, Guid? Incarnation);

/// <summary>
/// The router started (first start, or again on another node after the shard moved) with an empty state: every node
/// re-announces its waiting callers, talks, callback attempts and agent registrations to it.
/// </summary>
/// <param name="Id">The incarnation's id.</param>
public sealed record RouterIncarnation(Guid Id);

/// <summary>The router's status, sent to every node so each one's <see cref="RouterStatus"/> shows the cluster-wide router.</summary>
/// <param name="Skills">The snapshot.</param>
public sealed record RouterSnapshot(IReadOnlyList<SkillStatus> Skills);
