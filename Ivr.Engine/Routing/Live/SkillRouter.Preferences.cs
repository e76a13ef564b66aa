using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Routing.Live;

/// <summary>
/// The router's side of a queue step's <c>preferLastAgent</c>: a caller whose last agent is signed in for the skill is held
/// for that agent (only they may take the caller) until the wait, counted from the caller's first entry into the line, runs
/// out; then the caller is open to any agent in the place they held all along. The decisions are
/// <see cref="RouteSelector.HeldForAvailableAgent"/>, <see cref="RouteSelector.HeldFor"/> and <see cref="RouteSelector.FirstOpen"/>.
/// </summary>
public sealed partial class SkillRouter
{
    private const string PreferTimerPrefix = "prefer:";

    private void PreferenceHandlers() => Receive<PreferenceLapsed>(OnPreferenceLapsed);

    /// <summary>
    /// The preference a new (or re-announced) place gets: the caller's wish, when the agent is signed in for the skill and
    /// the wait has not already run out; a timer then opens the place when it does. Null otherwise (any agent at once).
    /// </summary>
    private AgentPreference? Preference(EnqueueCaller m, DateTimeOffset now)
    {
        if (m.Prefer is not { } prefer) return null;
        var until = (m.EnteredAt ?? now) + prefer.Wait;
        if (until <= now) return null;
        if (!_selector.IsSignedIn(prefer.AgentId, m.Skill))
        {
            _log.LogInformation("Call {CallId}: last agent {Agent} is not signed in for {Skill}; any agent may take the call", m.CallId, prefer.AgentId, m.Skill);
            return null;
        }
        _log.LogInformation("Call {CallId} is held for its last agent {Agent} in {Skill} until {Until:o}", m.CallId, prefer.AgentId, m.Skill, until);
        Timers.StartSingleTimer(PreferTimerPrefix + m.CallId, new PreferenceLapsed(m.CallId), until - now);
        return prefer;
    }

    /// <summary>Delivers a caller held for an available agent to that agent; false when there is none.</summary>
    private bool DeliverHeld(RoutingDecision? held)
    {
        // No delivery while the lines are being rebuilt: the agent could be handed two calls.
        if (held is null || _rebuilding) return false;
        _selector.Commit(held, Now);
        // The hold timer stays: if the agent does not answer and the caller comes back to its place still held,
        // the timer lets the hold run out (OnPreferenceLapsed ignores callers no longer waiting).
        _log.LogInformation("Call {CallId} goes to its last agent {Agent}", held.Caller.Id, held.AgentId);
        Deliver(held.Caller.Id, held.AgentId);
        return true;
    }

    /// <summary>The wait for the caller's last agent ran out: the caller stays in its place, open to any agent.</summary>
    private void OnPreferenceLapsed(PreferenceLapsed m)
    {
        if (!_waiters.TryGetValue(m.CallId, out var waiter) || !_selector.Queue(waiter.Skill).ClearPreference(m.CallId))
        {
            _changedNothing = true;
            return;
        }
        _log.LogInformation("Call {CallId} waited {Wait} for agent {Agent}: any agent may take it now, in its place", m.CallId,
            waiter.Place.Prefer?.Wait, waiter.Place.Prefer?.AgentId);
        Dispatch(waiter.Skill);
    }

    /// <summary>An agent signed out: callers held for it are open to any agent now.</summary>
    private void ReleaseHeldFor(string agentId)
    {
        if (!_agents.TryGetValue(agentId, out var agent)) return;
        foreach (var skill in agent.Skills)
            if (_selector.Queue(skill.Skill).Preferring.Any(p => p.Prefer!.AgentId == agentId)) Dispatch(skill.Skill);
    }

    private sealed record PreferenceLapsed(string CallId);
}
