namespace Ivr.Engine.Routing;

/// <summary>
/// Paces callbacks to spare agents. A callback keeps its virtual place (original entry time), so it is never served
/// before a live caller who joined earlier; but when its place reaches the head it is dialled only if, after taking one
/// agent for it, the agents still free cover every live caller waiting plus a reserve for the next live arrivals.
/// Otherwise the agent goes to the first live caller and the callback waits for spare capacity. Pure and stateless.
/// </summary>
/// <remarks>
/// Without pacing, a callback takes an agent (ringing, then talking) exactly when the live line needs it; under load
/// that raises the live abandonment, which makes the policy offer to more callers, which books more callbacks: a cascade.
/// Serving callbacks from capacity beyond the live line's needs breaks that loop. <see cref="MaxDeferral"/> bounds how
/// long a callback may be deferred: past it, the callback is served in strict order whatever the live line needs.
/// </remarks>
/// <param name="ReserveAgents">Agents kept free for live arrivals beyond those already waiting.</param>
/// <param name="MaxDeferral">Past this time since its original entry, a callback at the head is served in order; null: never forced.</param>
public sealed record CallbackPacer(int ReserveAgents, TimeSpan? MaxDeferral = null)
{
    /// <summary>
    /// A reserve by the square-root staffing rule: ⌈√(λ/μ)⌉ agents, the safety margin that keeps the live line stable
    /// for an offered load of λ/μ erlangs.
    /// </summary>
    public static int SquareRootReserve(double arrivalsPerMinute, double handleMinutes) =>
        (int)Math.Ceiling(Math.Sqrt(Math.Max(0, arrivalsPerMinute * handleMinutes)));

    /// <summary>
    /// Whether a callback at the head of the line may take an agent now, given the agents free for its skill,
    /// the live callers waiting behind it and how long its virtual place has existed.
    /// </summary>
    public bool MayDial(int agentsFree, int liveWaiting, TimeSpan sinceEntered)
    {
        if (agentsFree <= 0) return false;
        if (MaxDeferral is { } max && sinceEntered >= max) return true;
        return agentsFree - 1 >= Math.Max(0, liveWaiting) + Math.Max(0, ReserveAgents);
    }
}
