namespace Ivr.Flows.Runtime;

/// <summary>Watches a run from inside: which steps it enters, which edges it takes and which attempts fail. The simulator
/// uses it for the path and the coverage report, a live call for its timeline and the flow metrics; unset, it costs one
/// null check per transition.</summary>
public interface IFlowRunObserver
{
    /// <summary>The run entered <paramref name="step"/> (of <see cref="FlowRun.CurrentFlow"/>).</summary>
    void StepEntered(FlowRun run, CompiledStep step);

    /// <summary>The run is leaving its current step through <paramref name="edge"/>.</summary>
    void EdgeTaken(FlowRun run, FlowTrigger edge);

    /// <summary>A menu or digits step counted a failed attempt (no-input, or no-match when <paramref name="noMatch"/>).</summary>
    void AttemptFailed(FlowRun run, CompiledStep step, bool noMatch, int attempt);

    /// <summary>An http step judged its answer: <paramref name="error"/> is null when it goes to <c>next</c>, else the
    /// <c>http.error</c> it set before going to <c>onError</c>. Not called for an answer the run dropped (stale, or the step left).</summary>
    void HttpAnswered(FlowRun run, CompiledStep step, HttpResult result, string? error)
    {
    }
}
