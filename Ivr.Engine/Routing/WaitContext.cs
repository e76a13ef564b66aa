namespace Ivr.Engine.Routing;

/// <summary>What a wait estimator sees when a caller joins a skill's queue; rates are per minute.</summary>
/// <param name="CallersAhead">Callers (live or virtual places) ahead of this one, 0 at the head.</param>
/// <param name="Agents">Agents serving the skill (s); each completes calls at <paramref name="ServiceRate"/>.</param>
/// <param name="ServiceRate">μ = 1 / mean handle time.</param>
/// <param name="PatienceRate">θ = 1 / mean patience of the callers ahead (0 if nobody gives up).</param>
/// <param name="AgentFree">An agent is free now, so a caller at the head is answered at once.</param>
/// <param name="HeadOfLineWait">How long the caller at the head of the line has waited so far, if anyone waits.</param>
/// <param name="LastEnteredServiceWait">The wait of the last caller answered, if any.</param>
/// <param name="CallbacksAhead">How many of the places ahead are virtual (callbacks): those never give up.</param>
public readonly record struct WaitContext(
    int CallersAhead,
    int Agents,
    double ServiceRate,
    double PatienceRate,
    bool AgentFree = false,
    TimeSpan? HeadOfLineWait = null,
    TimeSpan? LastEnteredServiceWait = null,
    int CallbacksAhead = 0);
