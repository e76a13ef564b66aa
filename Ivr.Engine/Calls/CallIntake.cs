namespace Ivr.Engine.Calls;

/// <summary>
/// Whether this node still takes new calls, as the <see cref="CallManager"/> last decided: read without asking the actor
/// by the SIP stack, which answers a proxy's OPTIONS probe 503 once a drain has begun (docs/cluster.md).
/// </summary>
public sealed class CallIntake
{
    private volatile bool _closed;

    /// <summary>True until a drain begins; a drain is never undone (the node stops after it).</summary>
    public bool IsOpen => !_closed;

    /// <summary>Stops taking new calls (the manager's drain).</summary>
    internal void Close() => _closed = true;
}
