namespace Ivr.Flows.Runtime;

/// <summary>How a run ended: a short code (<c>connected:billing</c>, <c>transferred</c>, <c>hangup:normal</c>,
/// <c>caller-hangup</c>, <c>loop-guard</c>, <c>returned</c>, <c>message-not-kept</c>, <c>error:…</c>) and the step it ended in.</summary>
/// <param name="Code">Stable outcome code, suitable for metrics labels.</param>
/// <param name="Step">Name of the step the run was in when it ended, or null when it never started.</param>
public sealed record FlowOutcome(string Code, string? Step)
{
    /// <summary>The caller hung up.</summary>
    public const string CallerHangup = "caller-hangup";

    /// <summary>The run passed through too many steps without caller input.</summary>
    public const string LoopGuard = "loop-guard";

    /// <summary>A transfer succeeded.</summary>
    public const string Transferred = "transferred";

    /// <summary>A <c>return</c> step ran outside any subflow.</summary>
    public const string Returned = "returned";

    /// <summary>A message step's recording could not be kept and the step has no <c>onError</c>: the caller is told, then hung up.</summary>
    public const string MessageNotKept = "message-not-kept";

    /// <summary>Renders the code.</summary>
    public override string ToString() => Step is null ? Code : $"{Code} (at {Step})";
}
