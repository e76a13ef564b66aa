using System.Diagnostics.Metrics;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// The registrar's counters on the meter <c>Ivr.Registrar</c> (exported on <c>/metrics</c>): <c>ivr.registrar.auth_failures</c>
/// by <c>reason</c> (<c>credentials</c>: wrong password or unknown user; <c>locked</c>: refused during a lockout;
/// <c>network</c>: outside the agent's <c>allowedNetworks</c>), <c>ivr.registrar.lockouts</c> by <c>scope</c>
/// (<c>source</c>, <c>user</c>) and <c>ivr.registrar.contact_moves</c> (an agent registering from a new network).
/// </summary>
public sealed class RegistrarMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _moves;
    private long _failureTotal;
    private long _lockoutTotal;
    private long _moveTotal;

    /// <summary>Creates the counters on a meter from <paramref name="meterFactory"/> (the host's), or a detached one without it.</summary>
    public RegistrarMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = Metrics.EngineMeter.Create(meterFactory, "Ivr.Registrar");
        _authFailures = _meter.CreateCounter<long>("ivr.registrar.auth_failures", description: "REGISTERs refused at authentication, by reason (credentials, locked, network)");
        _lockouts = _meter.CreateCounter<long>("ivr.registrar.lockouts", description: "Lockouts started after repeated Digest failures, by scope (source, user)");
        _moves = _meter.CreateCounter<long>("ivr.registrar.contact_moves", description: "Agents that registered from a network other than their previous registration's");
    }

    /// <summary>Authentication failures counted so far (every reason).</summary>
    public long AuthFailures => Interlocked.Read(ref _failureTotal);

    /// <summary>Lockouts started so far (both scopes).</summary>
    public long Lockouts => Interlocked.Read(ref _lockoutTotal);

    /// <summary>Contact moves counted so far.</summary>
    public long ContactMoves => Interlocked.Read(ref _moveTotal);

    /// <summary>Counts a refused authentication with <paramref name="reason"/>.</summary>
    public void AuthFailed(string reason)
    {
        Interlocked.Increment(ref _failureTotal);
        _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>Counts a lockout that started.</summary>
    public void LockedOut(LockScope scope)
    {
        Interlocked.Increment(ref _lockoutTotal);
        _lockouts.Add(1, new KeyValuePair<string, object?>("scope", scope == LockScope.User ? "user" : "source"));
    }

    /// <summary>Counts an agent's contact moving to another network.</summary>
    public void ContactMoved()
    {
        Interlocked.Increment(ref _moveTotal);
        _moves.Add(1);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
