namespace Ivr.Engine.Calls;

/// <summary>
/// Whether this node still takes new calls, as the <see cref="CallManager"/> last decided: read without asking the actor
/// by the SIP stack, which answers a proxy's OPTIONS probe 503 once a drain has begun (docs/cluster.md).
/// </summary>
public sealed class CallIntake
{
    private int _closed;

    /// <summary>True until a drain begins; a drain is never undone (the node stops after it).</summary>
    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>
    /// Raised once, when the drain begins (whichever way it was asked: a signal, <c>POST /api/drain</c>), on the caller's
    /// thread: a handler only starts what the node hands over (the cluster's router), it does not wait for it.
    /// </summary>
    public event Action? Closed;

    /// <summary>Stops taking new calls (the manager's drain).</summary>
    internal void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0) Closed?.Invoke();
    }
}
