using Ivr.Engine.Integrations.ScreenPop;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls.Legs;

/// <summary>
/// Rings an agent for a leg and, once the owner confirms the leg still wants it, bridges the two: the one implementation
/// of "ring an agent and bridge", used by queued callers (<see cref="CallActor"/>) and callbacks (<see cref="CallbackCall"/>).
/// The owner (an actor) pipes <see cref="RingAsync"/> back to itself, then calls <see cref="Bridge"/> or <see cref="End"/>
/// on its own thread; <see cref="End"/> cancels the ringing, unbridges and hangs the agent up (idempotent).
/// </summary>
public sealed class AgentConnection
{
    private readonly OutboundDialer _dialer;
    private readonly ILogger _log;
    private readonly IScreenPop? _screenPop;
    private readonly CancellationTokenSource _ringing = new();
    private OutboundLeg? _agent;
    private IDisposable? _bridge;
    private bool _ended;

    /// <summary>
    /// A connection that rings through <paramref name="dialer"/>; nothing is sent until <see cref="RingAsync"/>. A ring with a
    /// context also tells <paramref name="screenPop"/>, when given.
    /// </summary>
    public AgentConnection(OutboundDialer dialer, string agentId, ILogger log, IScreenPop? screenPop = null)
    {
        _screenPop = screenPop;
        ArgumentNullException.ThrowIfNull(dialer);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(log);
        _dialer = dialer;
        _log = log;
        AgentId = agentId;
    }

    /// <summary>The agent rung.</summary>
    public string AgentId { get; }

    /// <summary>True once the two legs are bridged (and until <see cref="End"/>).</summary>
    public bool IsBridged => _bridge is not null && !_ended;

    /// <summary>
    /// Rings <paramref name="contact"/> showing <paramref name="callerDisplay"/> for up to <paramref name="ringTimeout"/>;
    /// never throws: a failure to place the call is a result without a leg (status 0, the problem said). The call's
    /// <paramref name="context"/>, when given, goes on the INVITE as <c>X-Ivr-*</c> headers and to the screen-pop, which is
    /// fired as the INVITE is sent (on its own task: the ring never waits for it).
    /// </summary>
    public async Task<RingOutResult> RingAsync(string contact, string? callerDisplay, TimeSpan ringTimeout, AgentContext? context = null)
    {
        try
        {
            var headers = context is null ? null : AgentContextHeaders.Build(context);
            if (context is not null) _screenPop?.AgentRinging(context);
            var result = await _dialer.DialAsync(contact, callerDisplay, ringTimeout, _ringing.Token, headers).ConfigureAwait(false);
            return result.HangUpWhenCancelled(_ringing.Token);
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Calling agent {Agent} failed", AgentId);
            return RingOutResult.Failed(ex.Message);
        }
    }

    /// <summary>
    /// Bridges <paramref name="caller"/> to the answered <paramref name="agent"/> (from <see cref="RingAsync"/>); the agent's
    /// hang-up and keys go to <paramref name="agentListener"/>. Returns false, hanging the agent up, when already ended.
    /// </summary>
    public bool Bridge(ILeg caller, OutboundLeg agent, ILegListener agentListener)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(agentListener);
        if (_ended || caller.IsEnded || agent.IsEnded)
        {
            HangUp(agent);
            return false;
        }
        _agent = agent;
        agent.Attach(agentListener);
        _bridge = caller.BridgeTo(agent);
        return true;
    }

    /// <summary>
    /// Ends the connection (idempotent): cancels a ring still going, unbridges, and hangs the agent up — BYE unless the agent
    /// hung up first. An agent leg answered after this (<paramref name="late"/>, from a ring still in flight) is hung up too.
    /// </summary>
    public void End(RingOutResult? late = null)
    {
        if (late?.Leg is { } answeredLate && !ReferenceEquals(answeredLate, _agent)) HangUp(answeredLate);
        if (_ended) return;
        _ended = true;
        _ringing.Cancel();
        _bridge?.Dispose();
        if (_agent is { } agent)
        {
            agent.Attach(null);
            HangUp(agent);
        }
    }

    private static void HangUp(OutboundLeg leg) => _ = leg.HangupAsync(CancellationToken.None);
}
